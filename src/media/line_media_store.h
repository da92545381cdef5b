#pragma once
// Photos residents and officers send, fetched from LINE's content API and kept under
// DATA_DIR/media/<token>.jpg|.png. Only real JPEG and PNG files are kept; the token is the only
// name a file has, so a link to it is as private as the token.
#include <atomic>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "handlers/common/ports.h"
#include "line/messaging_api.h"

namespace thesaban::media {

class LineMediaStore final : public handlers::MediaStore {
public:
    // max_bytes caps the download itself (passed to get_content) and anything saved.
    LineMediaStore(line::MessagingApi& api, std::string data_dir, std::string public_base_url, std::size_t max_bytes);

    std::optional<std::string> save_line_image(const std::string& message_id) override;
    std::string public_url(const std::string& token) const override;
    bool storage_unavailable() const override { return storage_failing_.load(std::memory_order_relaxed); }

    // Stores bytes we made ourselves (QR codes) under the same rules: JPEG or PNG only.
    std::optional<std::string> save_bytes(std::string_view bytes);
    // The file stored under a token, or nullopt for a malformed or unknown token.
    std::optional<std::filesystem::path> path_for(const std::string& token) const;

private:
    line::MessagingApi& api_;
    std::string data_dir_;
    std::string public_base_url_;
    std::size_t max_bytes_;
    // The last write into DATA_DIR failed (full, read-only, gone); the next one that works clears it.
    std::atomic<bool> storage_failing_{false};
};

}  // namespace thesaban::media
