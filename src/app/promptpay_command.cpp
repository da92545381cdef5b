#include "app/promptpay_command.h"

#include <fstream>
#include <iostream>
#include <map>

#include "tax/promptpay.h"
#include "tax/qr_png.h"

namespace thesaban::app {
namespace {

constexpr const char* kUsage =
    "usage: thesaban-bot promptpay --biller ID --ref1 REF [--ref2 REF] [--amount BAHT] [--png FILE]\n"
    "       thesaban-bot promptpay --promptpay-id PHONE_OR_ID [--amount BAHT] [--png FILE]\n";

int fail(const std::string& message) {
    std::cerr << "thesaban-bot promptpay: " << message << "\n";
    return 2;
}

}  // namespace

int promptpay_command(const std::vector<std::string>& args) {
    static const std::map<std::string, std::string> kOptions = {
        {"--biller", ""}, {"--ref1", ""}, {"--ref2", ""}, {"--amount", ""}, {"--promptpay-id", ""}, {"--png", ""}};
    std::map<std::string, std::string> given;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (!kOptions.count(args[i])) return fail("unknown argument \"" + args[i] + "\"\n" + kUsage);
        if (i + 1 >= args.size()) return fail(args[i] + " needs a value\n" + kUsage);
        if (!given.emplace(args[i], args[i + 1]).second) return fail(args[i] + " is given twice");
        ++i;
    }
    const bool bill = given.count("--biller"), transfer = given.count("--promptpay-id");
    if (bill == transfer) return fail(std::string("give either --biller or --promptpay-id\n") + kUsage);
    if (transfer && (given.count("--ref1") || given.count("--ref2")))
        return fail("--ref1 and --ref2 are for bill payment (--biller)");

    std::optional<int64_t> amount;
    if (given.count("--amount")) {
        amount = tax::parse_amount_satang(given["--amount"]);
        if (!amount) return fail("the amount must be baht with at most two decimals, e.g. 1234.50");
    }
    const tax::PayloadResult result =
        bill ? tax::bill_payment_payload({given["--biller"], given["--ref1"], given["--ref2"], amount})
             : tax::credit_transfer_payload({given["--promptpay-id"], amount});
    if (!result.ok()) return fail(result.error);

    if (given.count("--png")) {
        std::ofstream out(given["--png"], std::ios::binary);
        out << tax::qr_png(result.payload);
        if (!out.flush()) return fail("cannot write " + given["--png"]);
    }
    std::cout << result.payload << "\n";
    return 0;
}

}  // namespace thesaban::app
