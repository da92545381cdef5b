#include "media/media_endpoint.h"

#include <fstream>
#include <iterator>

#include "core/log.h"
#include "media/media_files.h"

namespace thesaban::media {
namespace {

constexpr std::string_view kComponent = "media";

http::Response with_safety_headers(http::Response r) {
    // The bytes are residents' uploads: never let a browser guess them into HTML or script.
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return r;
}

http::Response not_found() { return with_safety_headers(http::Response::text(404, "not found\n")); }

}  // namespace

http::Response serve_media(const std::string& data_dir, std::string_view path) {
    if (!path.starts_with(kMediaPathPrefix)) return not_found();
    auto token = path.substr(kMediaPathPrefix.size());
    if (!is_media_token(token)) return not_found();
    auto file = find_media_file(data_dir, token);
    if (!file) return not_found();

    std::ifstream in(file->path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad() || !in.is_open()) {
        log::error(kComponent, "cannot read media file", {{"token_prefix", std::string(token.substr(0, 6))}});
        return with_safety_headers(http::Response::text(500, "internal error\n"));
    }

    http::Response r;
    r.status = 200;
    r.content_type = std::string(content_type(file->kind));
    r.body = std::move(bytes);
    // private: photos of residents' homes and streets must not sit in shared caches.
    r.headers.emplace_back("Cache-Control", "private, max-age=86400");
    return with_safety_headers(std::move(r));
}

}  // namespace thesaban::media
