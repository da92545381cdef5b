#include "line/signature.h"

#include <gtest/gtest.h>

#include <string>

namespace thesaban::line {
namespace {

// The example from LINE's "Verify webhook signature" documentation.
constexpr std::string_view kSecret = "8c570fa6dd201bb328f1c1eac23a96d8";
constexpr std::string_view kBody = R"({"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]})";
constexpr std::string_view kSignature = "GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs=";

TEST(Signature, MatchesLineDocumentedVector) { EXPECT_EQ(compute_signature(kSecret, kBody), kSignature); }

TEST(Signature, VerifiesDocumentedVector) { EXPECT_TRUE(verify_signature(kSecret, kBody, kSignature)); }

TEST(Signature, RejectsWrongSecret) {
    EXPECT_FALSE(verify_signature("8c570fa6dd201bb328f1c1eac23a96d9", kBody, kSignature));
    EXPECT_FALSE(verify_signature("", kBody, kSignature));
}

TEST(Signature, RejectsBodyWithOneByteChanged) {
    std::string body(kBody);
    body[body.size() - 3] = '{';
    EXPECT_FALSE(verify_signature(kSecret, body, kSignature));
    EXPECT_FALSE(verify_signature(kSecret, std::string(kBody) + " ", kSignature));
}

TEST(Signature, RejectsTruncatedSignature) {
    EXPECT_FALSE(verify_signature(kSecret, kBody, kSignature.substr(0, kSignature.size() - 1)));
    EXPECT_FALSE(verify_signature(kSecret, kBody, kSignature.substr(0, 43)));
    EXPECT_FALSE(verify_signature(kSecret, kBody, kSignature.substr(0, 20)));
    EXPECT_FALSE(verify_signature(kSecret, kBody, std::string(kSignature) + "AAAA"));
}

TEST(Signature, RejectsEmptyHeader) { EXPECT_FALSE(verify_signature(kSecret, kBody, "")); }

TEST(Signature, RejectsGarbageHeader) {
    EXPECT_FALSE(verify_signature(kSecret, kBody, "not a signature"));
    EXPECT_FALSE(verify_signature(kSecret, kBody, "GhRKmvmHys4Pi8DxkF4*EayaH0OqtJtaZxgTD9fMDLs="));  // '*' not base64
    EXPECT_FALSE(verify_signature(kSecret, kBody, std::string(44, '=')));
    EXPECT_FALSE(verify_signature(kSecret, kBody, " GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs"));
    // Same length as a real signature, valid alphabet, wrong value.
    EXPECT_FALSE(verify_signature(kSecret, kBody, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    // Non-canonical trailing bits: decodes to the same bytes under a lax decoder, rejected here.
    EXPECT_FALSE(verify_signature(kSecret, kBody, "GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLt="));
    EXPECT_FALSE(verify_signature(kSecret, kBody, std::string("GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDL\0=", 44)));
}

TEST(Signature, RoundTripsForEmptyAndBinaryBodies) {
    for (std::string_view body : {std::string_view(), std::string_view("\0\xff\x01", 3), std::string_view("แจ้งเหตุ")}) {
        std::string sig = compute_signature(kSecret, body);
        EXPECT_EQ(sig.size(), 44u);
        EXPECT_TRUE(verify_signature(kSecret, body, sig));
    }
}

}  // namespace
}  // namespace thesaban::line
