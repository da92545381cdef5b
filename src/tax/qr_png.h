#pragma once
// A PromptPay payload drawn as a QR code PNG that banking apps scan from a LINE image message:
// error correction M, 8-bit mode, a 4-module quiet zone, black on white, 1-bit grayscale.
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace thesaban::tax {

class QrRenderError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The QR symbol's modules, row by row; true is dark.
struct QrMatrix {
    int width = 0;  // modules per side (21 for version 1, +4 a version)
    std::vector<bool> dark;
    bool at(int x, int y) const { return dark[static_cast<std::size_t>(y) * width + x]; }
};

inline constexpr int kQrQuietZoneModules = 4;  // ISO/IEC 18004 asks for at least 4

// Encodes with libqrencode; throws QrRenderError if the data cannot be encoded (too long, empty).
QrMatrix encode_qr(std::string_view data);
// PNG bytes of `matrix` with the quiet zone, `scale` pixels a module (1–32).
std::string render_png(const QrMatrix& matrix, int scale);
// encode_qr + render_png.
std::string qr_png(std::string_view data, int scale = 8);

}  // namespace thesaban::tax
