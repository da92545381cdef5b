#pragma once
// The text a Thai banking app reads from a PromptPay QR code: EMVCo Merchant-Presented Mode
// TLV fields as profiled by the Bank of Thailand's Thai QR Code Payment Standard.
//   tag 29 credit transfer (AID A000000677010111): to a mobile number, national/tax ID or e-wallet;
//   tag 30 bill payment (AID A000000677010112): to a biller ID with the references the biller
//   reconciles on (the municipality's tax notice number).
// Input mistakes come back as a message in PayloadResult::error, never as an exception.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace thesaban::tax {

// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor), as tag 63 needs.
uint16_t crc16_ccitt_false(std::string_view data);

// One EMVCo data object: id (2 digits) + length (2 digits) + value. Values longer than 99 bytes
// cannot be encoded; callers validate lengths first.
std::string emv_field(std::string_view id, std::string_view value);

// The largest amount a QR code is made for: 9,999,999.99 baht (tag 54 "9999999.99"; EMVCo allows
// 13 characters; this project keeps to the 10-character form).
inline constexpr int64_t kMaxQrAmountSatang = 999'999'999;

struct BillPayment {
    std::string biller_id;                 // 15 digits: the municipality's tax ID (13) + suffix (2)
    std::string ref1;                      // e.g. the notice number; upper-case A–Z and 0–9, at most 20
    std::string ref2;                      // optional, same rule
    std::optional<int64_t> amount_satang;  // none: the payer types the amount (static QR)
};

struct CreditTransfer {
    // A mobile number (0812345678, +66812345678), a 13-digit national or tax ID, or a 15-digit
    // e-wallet ID; spaces and dashes are ignored.
    std::string promptpay_id;
    std::optional<int64_t> amount_satang;
};

struct PayloadResult {
    std::string payload;  // set when ok()
    std::string error;    // what is wrong with the input, for the person who typed it
    bool ok() const { return error.empty(); }
};

PayloadResult bill_payment_payload(const BillPayment& request);
PayloadResult credit_transfer_payload(const CreditTransfer& request);

// A notice number as a bill-payment reference: Thai digits normalised, letters upper-cased, and
// everything else (Thai letters, dots, dashes, slashes) dropped — "ภดส.3-2569-000123" →
// "32569000123". nullopt when nothing or more than 20 characters is left. Different notice types
// can share the digits, so a flow that mixes them should say which in ref2.
std::optional<std::string> payment_reference(std::string_view notice_number);

// "1234.5", "1,234.50", "๑๒๓" → satang; nullopt when not a plain non-negative amount with at most
// two decimals (no rounding: an amount the payer did not type is never invented).
std::optional<int64_t> parse_amount_satang(std::string_view text);
// 123450 → "1234.50", the tag 54 form.
std::string format_amount(int64_t satang);

}  // namespace thesaban::tax
