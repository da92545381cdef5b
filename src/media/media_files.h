#pragma once
// What a stored media file may be and how it is named: shared by the store that writes the files
// and the endpoint that serves them, so both agree on exactly one naming rule.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace thesaban::media {

enum class ImageKind { jpeg, png };

// Decided by the magic bytes alone: a declared content type is the sender's word, not a fact.
std::optional<ImageKind> sniff_image(std::string_view bytes);
std::string_view file_extension(ImageKind kind);  // ".jpg" ".png"
std::string_view content_type(ImageKind kind);    // "image/jpeg" "image/png"

// Exactly what random_token(24) produces: 32 characters of base64url. Anything else (dots,
// slashes, percent escapes, other lengths) is refused before a path is ever built from it.
inline constexpr std::size_t kMediaTokenBytes = 24;
inline constexpr std::size_t kMediaTokenLength = 32;
bool is_media_token(std::string_view token);

// data_dir/media
std::filesystem::path media_dir(const std::string& data_dir);

struct MediaFile {
    std::filesystem::path path;
    ImageKind kind;
};
// The stored file for a token, or nullopt when the token is malformed or nothing is stored.
std::optional<MediaFile> find_media_file(const std::string& data_dir, std::string_view token);

// Whether DATA_DIR takes a new file now: writes and removes a small probe file. nullopt when it
// does, else why not ("No space left on device", "Read-only file system"). For /readyz.
std::optional<std::string> data_dir_write_problem(const std::string& data_dir);

}  // namespace thesaban::media
