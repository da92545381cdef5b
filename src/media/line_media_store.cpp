#include "media/line_media_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "core/log.h"
#include "core/random.h"
#include "media/media_files.h"

namespace thesaban::media {
namespace {

constexpr std::string_view kComponent = "media";

std::string errno_text() { return std::strerror(errno); }

bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// Makes the rename itself durable; a failure here only weakens crash safety, so it is not fatal.
void fsync_dir(const std::filesystem::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

// Temp file in the same directory, fsync, rename: a reader (or a crash) sees either no file or
// the whole file, never a torn one. The temp name is not a token, so serve_media never finds it.
bool write_file_atomically(const std::filesystem::path& target, std::string_view bytes) {
    auto dir = target.parent_path();
    auto temp = dir / ("." + target.filename().string() + ".tmp");
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0) {
        log::error(kComponent, "cannot create media file", {{"error", errno_text()}});
        return false;
    }
    bool ok = write_all(fd, bytes) && ::fsync(fd) == 0;
    if (!ok) log::error(kComponent, "cannot write media file", {{"error", errno_text()}});
    if (::close(fd) != 0 && ok) {
        log::error(kComponent, "cannot close media file", {{"error", errno_text()}});
        ok = false;
    }
    if (ok && ::rename(temp.c_str(), target.c_str()) != 0) {
        log::error(kComponent, "cannot rename media file", {{"error", errno_text()}});
        ok = false;
    }
    if (!ok) {
        ::unlink(temp.c_str());
        return false;
    }
    fsync_dir(dir);
    return true;
}

}  // namespace

LineMediaStore::LineMediaStore(line::MessagingApi& api, std::string data_dir, std::string public_base_url,
                               std::size_t max_bytes)
    : api_(api), data_dir_(std::move(data_dir)), public_base_url_(std::move(public_base_url)), max_bytes_(max_bytes) {
    while (!public_base_url_.empty() && public_base_url_.back() == '/') public_base_url_.pop_back();
}

std::optional<std::string> LineMediaStore::save_line_image(const std::string& message_id) {
    auto content = api_.get_content(message_id, max_bytes_);
    if (!content) {
        // The client has logged why (LINE error, timeout, over the size cap).
        log::warn(kComponent, "image not fetched", {{"message_id", message_id}});
        return std::nullopt;
    }
    if (!sniff_image(content->bytes)) {
        log::warn(kComponent, "content is not a JPEG or PNG image",
                  {{"message_id", message_id}, {"declared_type", content->content_type}});
        return std::nullopt;
    }
    return save_bytes(content->bytes);
}

std::optional<std::string> LineMediaStore::save_bytes(std::string_view bytes) {
    if (bytes.size() > max_bytes_) {
        log::warn(kComponent, "image larger than allowed", {{"size", std::to_string(bytes.size())}});
        return std::nullopt;
    }
    auto kind = sniff_image(bytes);
    if (!kind) {
        log::warn(kComponent, "refusing bytes that are not a JPEG or PNG image");
        return std::nullopt;
    }
    auto dir = media_dir(data_dir_);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        log::error(kComponent, "cannot create media directory", {{"error", ec.message()}});
        storage_failing_ = true;
        return std::nullopt;
    }
    std::string token = random_token(kMediaTokenBytes);
    bool written = write_file_atomically(dir / (token + std::string(file_extension(*kind))), bytes);
    storage_failing_ = !written;
    if (!written) return std::nullopt;
    return token;
}

std::optional<std::filesystem::path> LineMediaStore::path_for(const std::string& token) const {
    auto file = find_media_file(data_dir_, token);
    if (!file) return std::nullopt;
    return file->path;
}

std::string LineMediaStore::public_url(const std::string& token) const { return public_base_url_ + "/media/" + token; }

}  // namespace thesaban::media
