#include "line/messaging_api.h"

#include "core/json.h"

namespace thesaban::line {

bool is_invalid_reply_token(const ApiResult& result) {
    if (result.status != 400) return false;
    // LINE answers {"message":"Invalid reply token"}; fall back to the raw body if it is not JSON.
    json::Document doc;
    if (json::parse(result.body, doc) && doc.IsObject()) {
        auto message = json::get_string(doc, "message");
        return message && message->find("Invalid reply token") != std::string_view::npos;
    }
    return result.body.find("Invalid reply token") != std::string::npos;
}

}  // namespace thesaban::line
