#include "tax/promptpay.h"

#include <cstdio>

#include "core/text.h"

// Layout checked against the BOT Thai QR Code Payment Standard as implemented by the widely used
// open-source generators (dtinth/promptpay-qr, pheerathach/promptpay) and against bill-payment QR
// codes printed by Thai banks: data objects in ascending tag order, 00 first and 63 last.
namespace thesaban::tax {
namespace {

constexpr std::string_view kAidCreditTransfer = "A000000677010111";
constexpr std::string_view kAidBillPayment = "A000000677010112";
constexpr std::size_t kMaxReferenceLength = 20;

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

// Thai digits normalised, spaces and dashes dropped: IDs are often typed "081-234-5678".
std::string id_digits(std::string_view input) {
    std::string out;
    for (char c : text::normalize_thai_digits(input))
        if (c != ' ' && c != '-') out += c;
    return out;
}

// What is wrong with an amount given for tag 54, or "".
std::string amount_error(const std::optional<int64_t>& amount) {
    if (!amount) return {};
    if (*amount <= 0) return "the amount must be more than 0 baht";
    if (*amount > kMaxQrAmountSatang) return "the amount must be at most 9,999,999.99 baht";
    return {};
}

// The common tags around the account template (tag 29 or 30), in ascending order, then the CRC.
std::string finish(std::string_view account_tag, const std::string& account, const std::optional<int64_t>& amount) {
    std::string payload = emv_field("00", "01");
    // 11: the same code may be paid many times; 12: made for one payment of one amount.
    payload += emv_field("01", amount ? "12" : "11");
    payload += emv_field(account_tag, account);
    payload += emv_field("53", "764");  // ISO 4217 THB
    if (amount) payload += emv_field("54", format_amount(*amount));
    payload += emv_field("58", "TH");
    payload += "6304";  // the CRC covers its own tag and length
    char crc[5];
    std::snprintf(crc, sizeof crc, "%04X", crc16_ccitt_false(payload));
    payload += crc;
    return payload;
}

std::string reference_error(const char* name, const std::string& ref, bool required) {
    if (ref.empty()) return required ? std::string(name) + " is required" : std::string();
    if (ref.size() > kMaxReferenceLength) return std::string(name) + " must be at most 20 characters";
    for (char c : ref)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return std::string(name) + " may contain only capital letters A-Z and digits 0-9";
    return {};
}

}  // namespace

uint16_t crc16_ccitt_false(std::string_view data) {
    uint16_t crc = 0xFFFF;
    for (unsigned char byte : data) {
        crc ^= static_cast<uint16_t>(byte << 8);
        for (int bit = 0; bit < 8; ++bit) crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021) : crc << 1;
    }
    return crc;
}

std::string emv_field(std::string_view id, std::string_view value) {
    char length[4];
    std::snprintf(length, sizeof length, "%02zu", value.size() % 100);
    std::string out(id);
    out += length;
    out += value;
    return out;
}

PayloadResult bill_payment_payload(const BillPayment& request) {
    const std::string biller = id_digits(request.biller_id);
    if (biller.size() != 15 || !all_digits(biller))
        return {{}, "the biller ID must be 15 digits (the 13-digit tax ID and a 2-digit suffix)"};
    for (const std::string& e : {reference_error("ref1", request.ref1, true),
                                 reference_error("ref2", request.ref2, false), amount_error(request.amount_satang)})
        if (!e.empty()) return {{}, e};
    std::string account = emv_field("00", kAidBillPayment) + emv_field("01", biller) + emv_field("02", request.ref1);
    if (!request.ref2.empty()) account += emv_field("03", request.ref2);
    return {finish("30", account, request.amount_satang), {}};
}

PayloadResult credit_transfer_payload(const CreditTransfer& request) {
    std::string id = id_digits(request.promptpay_id);
    const bool international = !id.empty() && id[0] == '+';
    if (international) id.erase(0, 1);
    if (!all_digits(id))
        return {{}, "the PromptPay ID must be a mobile number, a 13-digit ID or a 15-digit e-wallet ID"};
    std::string sub_tag, value;
    if (!international && id.size() == 10 && id[0] == '0') {
        sub_tag = "01", value = "0066" + id.substr(1);  // 0812345678 → 0066812345678
    } else if (id.size() == 11 && id.rfind("66", 0) == 0) {
        sub_tag = "01", value = "00" + id;  // +66812345678
    } else if (!international && id.size() == 13) {
        sub_tag = "02", value = id;  // national ID or juristic tax ID
    } else if (!international && id.size() == 15) {
        sub_tag = "03", value = id;  // e-wallet
    } else {
        return {{},
                "the PromptPay ID must be a mobile number (10 digits starting with 0), a 13-digit ID or a 15-digit "
                "e-wallet ID"};
    }
    if (auto e = amount_error(request.amount_satang); !e.empty()) return {{}, e};
    return {finish("29", emv_field("00", kAidCreditTransfer) + emv_field(sub_tag, value), request.amount_satang), {}};
}

std::optional<std::string> payment_reference(std::string_view notice_number) {
    std::string out;
    for (char c : text::normalize_thai_digits(notice_number)) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) out += c;
    }
    if (out.empty() || out.size() > kMaxReferenceLength) return std::nullopt;
    return out;
}

std::optional<int64_t> parse_amount_satang(std::string_view input) {
    const std::string s = text::normalize_thai_digits(text::trim(input));
    int64_t baht = 0, satang = 0;
    int digits = 0, decimals = -1;  // decimals: -1 before the point
    for (char c : s) {
        if (c == ',' && decimals < 0 && digits > 0) continue;
        if (c == '.' && decimals < 0) {
            decimals = 0;
            continue;
        }
        if (c < '0' || c > '9') return std::nullopt;
        if (decimals < 0) {
            if (++digits > 12) return std::nullopt;
            baht = baht * 10 + (c - '0');
        } else {
            if (++decimals > 2) return std::nullopt;
            satang = satang * 10 + (c - '0');
        }
    }
    if (digits == 0 || decimals == 0) return std::nullopt;  // "", ".5", "5."
    if (decimals == 1) satang *= 10;
    return baht * 100 + satang;
}

std::string format_amount(int64_t satang) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(satang / 100),
                  static_cast<long long>(satang % 100));
    return buf;
}

}  // namespace thesaban::tax
