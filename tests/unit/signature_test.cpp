#include "line/signature.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

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

TEST(SignatureVerifier, AgreesWithTheFreeFunction) {
    SignatureVerifier verifier(kSecret);
    EXPECT_TRUE(verifier.verify(kBody, kSignature));
    EXPECT_TRUE(verifier.verify(kBody, kSignature));  // the per-thread context is reused correctly
    EXPECT_FALSE(verifier.verify(kBody, ""));
    EXPECT_FALSE(verifier.verify(kBody, kSignature.substr(0, 43)));
    EXPECT_FALSE(verifier.verify(std::string(kBody) + " ", kSignature));
    EXPECT_FALSE(verifier.verify(kBody, "GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLt="));
    EXPECT_FALSE(SignatureVerifier("8c570fa6dd201bb328f1c1eac23a96d9").verify(kBody, kSignature));
    for (std::string_view body : {std::string_view(), std::string_view("\0\xff\x01", 3), std::string_view("แจ้งเหตุ")}) {
        EXPECT_TRUE(verifier.verify(body, compute_signature(kSecret, body)));
        EXPECT_FALSE(verifier.verify(body, compute_signature("other", body)));
    }
}

TEST(SignatureVerifier, EmptySecretWorksLikeTheFreeFunction) {
    SignatureVerifier verifier("");
    EXPECT_TRUE(verifier.verify(kBody, compute_signature("", kBody)));
    EXPECT_FALSE(verifier.verify(kBody, kSignature));
}

TEST(SignatureVerifier, VerifiersWithDifferentSecretsInterleaveOnOneThread) {
    SignatureVerifier a(kSecret);
    SignatureVerifier b("another-secret");
    std::string sig_b = compute_signature("another-secret", kBody);
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(a.verify(kBody, kSignature));
        EXPECT_FALSE(a.verify(kBody, sig_b));
        EXPECT_TRUE(b.verify(kBody, sig_b));
        EXPECT_FALSE(b.verify(kBody, kSignature));
    }
    // A verifier built where a destroyed one lived must not inherit its key.
    for (int i = 0; i < 3; ++i) {
        auto first = std::make_unique<SignatureVerifier>(kSecret);
        EXPECT_TRUE(first->verify(kBody, kSignature));
        first.reset();
        auto second = std::make_unique<SignatureVerifier>("another-secret");
        EXPECT_FALSE(second->verify(kBody, kSignature));
        EXPECT_TRUE(second->verify(kBody, sig_b));
    }
}

TEST(SignatureVerifier, SharedAcrossThreads) {
    SignatureVerifier verifier(kSecret);
    std::vector<std::thread> threads;
    std::vector<int> good(4, 0);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) good[t] += verifier.verify(kBody, kSignature) && !verifier.verify(kBody, "x");
        });
    }
    for (auto& thread : threads) thread.join();
    for (int n : good) EXPECT_EQ(n, 200);
}

}  // namespace
}  // namespace thesaban::line
