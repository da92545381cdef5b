#include "media/media_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
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

std::optional<std::string> data_dir_write_problem(const std::string& data_dir) {
    // A block's worth: a full disk refuses it at write() (tmpfs, ext4's delayed allocation alike),
    // where creating an empty file would still succeed. Not fsynced: this runs on every probe.
    static const std::string kBlock(4096, '.');
    auto path = std::filesystem::path(data_dir) / ".readyz-probe";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) return std::string(std::strerror(errno));
    std::optional<std::string> problem;
    ssize_t n = ::write(fd, kBlock.data(), kBlock.size());
    if (n < 0)
        problem = std::strerror(errno);
    else if (static_cast<std::size_t>(n) != kBlock.size())
        problem = "short write";
    if (::close(fd) != 0 && !problem) problem = std::strerror(errno);
    ::unlink(path.c_str());
    return problem;
}

}  // namespace thesaban::media
