#include "tax/qr_png.h"

#include <gtest/gtest.h>

#include "support/qr_decode.h"
#include <png.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "tax/promptpay.h"

namespace thesaban::tax {
namespace {

const std::string kPayload = "00020101021130510016A000000677010112011501055230093500202085555890053037645802TH6304A648";

uint32_t big_endian32(const std::string& bytes, std::size_t at) {
    uint32_t n = 0;
    for (std::size_t i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(bytes[at + i]);
    return n;
}

// Decodes the PNG to 8-bit gray pixels with libpng's simplified API.
std::vector<unsigned char> gray_pixels(const std::string& png, int& width, int& height) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    EXPECT_TRUE(png_image_begin_read_from_memory(&image, png.data(), png.size())) << image.message;
    image.format = PNG_FORMAT_GRAY;
    std::vector<unsigned char> pixels(PNG_IMAGE_SIZE(image));
    EXPECT_TRUE(png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr)) << image.message;
    width = static_cast<int>(image.width), height = static_cast<int>(image.height);
    return pixels;
}

}  // namespace

TEST(QrPng, IsAOneBitGrayscalePngWithTheQuietZone) {
    const std::string png = qr_png(kPayload, 8);
    ASSERT_GT(png.size(), 33u);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_EQ(png.substr(12, 4), "IHDR");
    const QrMatrix matrix = encode_qr(kPayload);
    EXPECT_EQ(big_endian32(png, 16), static_cast<uint32_t>((matrix.width + 8) * 8));  // width
    EXPECT_EQ(big_endian32(png, 20), static_cast<uint32_t>((matrix.width + 8) * 8));  // height
    EXPECT_EQ(png[24], 1);                                                            // bit depth
    EXPECT_EQ(png[25], 0);                                                            // colour type: grayscale
    EXPECT_EQ(png.substr(png.size() - 8, 4), "IEND");
}

TEST(QrPng, MatrixIsAValidSymbolSize) {
    const QrMatrix matrix = encode_qr(kPayload);
    EXPECT_EQ((matrix.width - 17) % 4, 0);  // version v is 17 + 4v modules wide
    EXPECT_GE(matrix.width, 21);
    // The three finder patterns: a dark 7×7 ring at the top-left corner.
    EXPECT_TRUE(matrix.at(0, 0));
    EXPECT_TRUE(matrix.at(6, 6));
    EXPECT_FALSE(matrix.at(1, 1));
    EXPECT_TRUE(matrix.at(3, 3));
}

TEST(QrPng, PixelsAreTheModulesScaledWithAWhiteQuietZone) {
    const int scale = 3;
    const QrMatrix matrix = encode_qr(kPayload);
    int width = 0, height = 0;
    const auto pixels = gray_pixels(render_png(matrix, scale), width, height);
    const int side = (matrix.width + 2 * kQrQuietZoneModules) * scale;
    ASSERT_EQ(width, side);
    ASSERT_EQ(height, side);
    int mismatches = 0;
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            const int mx = x / scale - kQrQuietZoneModules, my = y / scale - kQrQuietZoneModules;
            const bool inside = mx >= 0 && my >= 0 && mx < matrix.width && my < matrix.width;
            const bool dark = inside && matrix.at(mx, my);
            if ((pixels[static_cast<std::size_t>(y) * width + x] == 0) != dark) ++mismatches;
        }
    EXPECT_EQ(mismatches, 0);
}

TEST(QrPng, ZbarReadsBackTheExactPayload) {
    EXPECT_EQ(testing::zbar_decode(qr_png(kPayload)), kPayload);
    const auto bill = bill_payment_payload({"012345678901234", "256900123", "LB2569", 123450});
    ASSERT_TRUE(bill.ok()) << bill.error;
    EXPECT_EQ(testing::zbar_decode(qr_png(bill.payload, 4)), bill.payload);
}

TEST(QrPng, RejectsWhatCannotBeDrawn) {
    EXPECT_THROW(encode_qr(""), QrRenderError);
    EXPECT_THROW(encode_qr(std::string(5000, 'A')), QrRenderError);
    EXPECT_THROW(render_png(encode_qr("x"), 0), QrRenderError);
}

}  // namespace thesaban::tax
