#include "media/media_files.h"

#include <system_error>

namespace thesaban::media {

std::optional<ImageKind> sniff_image(std::string_view bytes) {
    constexpr std::string_view kJpeg("\xFF\xD8\xFF", 3);
    constexpr std::string_view kPng("\x89PNG\r\n\x1A\n", 8);
    if (bytes.starts_with(kJpeg)) return ImageKind::jpeg;
    if (bytes.starts_with(kPng)) return ImageKind::png;
    return std::nullopt;
}

std::string_view file_extension(ImageKind kind) { return kind == ImageKind::jpeg ? ".jpg" : ".png"; }

std::string_view content_type(ImageKind kind) { return kind == ImageKind::jpeg ? "image/jpeg" : "image/png"; }

bool is_media_token(std::string_view token) {
    if (token.size() != kMediaTokenLength) return false;
    for (char c : token) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

std::filesystem::path media_dir(const std::string& data_dir) { return std::filesystem::path(data_dir) / "media"; }

std::optional<MediaFile> find_media_file(const std::string& data_dir, std::string_view token) {
    if (!is_media_token(token)) return std::nullopt;
    for (ImageKind kind : {ImageKind::jpeg, ImageKind::png}) {
        auto path = media_dir(data_dir) / (std::string(token) + std::string(file_extension(kind)));
        std::error_code ec;
        // symlink_status: only files we wrote ourselves count, never a link planted beside them.
        if (std::filesystem::is_regular_file(std::filesystem::symlink_status(path, ec))) return MediaFile{path, kind};
    }
    return std::nullopt;
}

}  // namespace thesaban::media
