#pragma once
// GET /media/<token>: the photos and QR codes LineMediaStore keeps, served to whoever holds the
// link (LINE's servers fetching an image message, an officer opening a ticket). No Beast here.
#include <string>
#include <string_view>

#include "http/http_message.h"

namespace thesaban::media {

inline constexpr std::string_view kMediaPathPrefix = "/media/";

// `path` is the request path without the query string. Anything but a well-formed token gets 404
// without touching the filesystem.
http::Response serve_media(const std::string& data_dir, std::string_view path);

}  // namespace thesaban::media
