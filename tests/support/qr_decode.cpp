#include "support/qr_decode.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace thesaban::testing {

std::string zbar_decode(const std::string& png) {
    char path[] = "/tmp/thesaban-qr-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) return "";
    const bool written = write(fd, png.data(), png.size()) == static_cast<ssize_t>(png.size());
    close(fd);
    std::string out;
    if (written) {
        if (FILE* p = popen(("zbarimg --quiet --raw " + std::string(path) + " 2>/dev/null").c_str(), "r")) {
            char buf[512];
            while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
            pclose(p);
        }
    }
    std::remove(path);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

}  // namespace thesaban::testing
