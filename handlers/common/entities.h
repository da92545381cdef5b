#pragma once
// What a resident's message names, pulled out of the text as they type it: a ticket number in any
// case or with Thai digits, a tax notice number with the dots and spaces of the paper notice, a
// phone number with +66 or spaces, a 1–5 rating, a place ("หน้าโรงเรียน… หมู่ 2").
#include <optional>
#include <string>
#include <string_view>

namespace thesaban::handlers {

struct Entities {
    std::optional<std::string> ticket_number;  // "PNK-2569-000003"
    std::optional<std::string> notice_number;  // "ภดส6-2569/0001", or "2569/0001" when typed so
    std::optional<std::string> phone;          // "0812345678"
    std::optional<int> rating;                 // 1–5, only when the message is a rating
    std::optional<std::string> place;          // the landmark phrase as typed (Thai digits as ASCII)
    std::optional<int> village;                // หมู่ที่ (moo)
};

// `ticket_prefix` is the configured prefix ("PNK"), matched in any case.
Entities extract_entities(std::string_view text, std::string_view ticket_prefix);

// The phone in `text` as 0XXXXXXXXX (mobile 10 digits, landline 9), or nullopt. "+66 81 234 5678",
// "081-234-5678", "๐๘๑๒๓๔๕๖๗๘", "081 234 5678 ค่ะ" all give "0812345678".
std::optional<std::string> find_phone_number(std::string_view text);
// A rating typed as a message: "5", "๕", "4 ดาว", "ให้ 3 คะแนน", "5 ค่ะ".
std::optional<int> find_rating(std::string_view text);

}  // namespace thesaban::handlers
