#include "tax/qr_png.h"

#include <png.h>
#include <qrencode.h>

#include <csetjmp>
#include <memory>

namespace thesaban::tax {
namespace {

void append_to_string(png_structp png, png_bytep data, png_size_t length) {
    static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<const char*>(data), length);
}

void no_flush(png_structp) {}

// libpng reports errors by longjmp; this function keeps only trivially destructible locals
// between setjmp and the writes, so jumping out of it is safe.
bool write_png(const std::vector<png_byte>& pixels, int side, std::size_t row_bytes, std::string& out) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    if (!png) return false;
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, nullptr);
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    png_set_write_fn(png, &out, append_to_string, no_flush);
    png_set_IHDR(png, info, side, side, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < side; ++y) png_write_row(png, pixels.data() + static_cast<std::size_t>(y) * row_bytes);
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return true;
}

}  // namespace

QrMatrix encode_qr(std::string_view data) {
    if (data.empty()) throw QrRenderError("nothing to encode");
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeData(static_cast<int>(data.size()), reinterpret_cast<const unsigned char*>(data.data()), 0,
                          QR_ECLEVEL_M),
        &QRcode_free);
    if (!code)
        throw QrRenderError("the data cannot be encoded as a QR code (" + std::to_string(data.size()) + " bytes)");
    QrMatrix matrix;
    matrix.width = code->width;
    matrix.dark.resize(static_cast<std::size_t>(code->width) * code->width);
    for (std::size_t i = 0; i < matrix.dark.size(); ++i) matrix.dark[i] = code->data[i] & 1;  // bit 0: dark module
    return matrix;
}

std::string render_png(const QrMatrix& matrix, int scale) {
    if (scale < 1 || scale > 32) throw QrRenderError("scale must be 1 to 32 pixels a module");
    const int side = (matrix.width + 2 * kQrQuietZoneModules) * scale;
    const std::size_t row_bytes = (static_cast<std::size_t>(side) + 7) / 8;
    // 1-bit grayscale: a set bit is white, so start all white and clear the dark modules' pixels.
    std::vector<png_byte> pixels(row_bytes * side, 0xFF);
    for (int my = 0; my < matrix.width; ++my)
        for (int mx = 0; mx < matrix.width; ++mx) {
            if (!matrix.at(mx, my)) continue;
            for (int py = 0; py < scale; ++py)
                for (int px = 0; px < scale; ++px) {
                    const int x = (mx + kQrQuietZoneModules) * scale + px;
                    const int y = (my + kQrQuietZoneModules) * scale + py;
                    pixels[static_cast<std::size_t>(y) * row_bytes + x / 8] &=
                        static_cast<png_byte>(~(0x80 >> (x % 8)));
                }
        }
    std::string out;
    if (!write_png(pixels, side, row_bytes, out)) throw QrRenderError("libpng could not write the image");
    return out;
}

std::string qr_png(std::string_view data, int scale) { return render_png(encode_qr(data), scale); }

}  // namespace thesaban::tax
