#pragma once
// The step engine the complaint and streetlight conversations share. A flow's state is
//   {"flow": name, "step": current, "data": {...answers...}, "trail": [steps asked before]}
// so "ย้อนกลับ" pops the trail and re-asks, and "แก้ไข" restarts at the first step keeping data.
// Every question carries its choices as quick reply plus ย้อนกลับ / ยกเลิก; input a step cannot use
// (a sticker, an image where text is asked, a novel where a choice is asked) re-asks politely.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/json.h"
#include "handlers/common/flow.h"
#include "handlers/common/ports.h"
#include "templates/template_library.h"
#include "tickets/ticket_store.h"

namespace thesaban::handlers {

// What the complaint and streetlight flows work through. All references outlive the flows.
struct FlowDeps {
    const config::Config& config;
    const templates::TemplateLibrary& templates;
    tickets::TicketStore& tickets;
    MediaStore& media;
    TicketAnnouncer& announcer;
    ProfileLookup& profiles;
    const Clock& clock;
};

// What the resident sent, as a step sees it.
struct StepInput {
    enum class Kind { text, postback, image, location, other };
    Kind kind = Kind::other;
    std::string text;         // trimmed text, or the postback data
    std::string message_id;   // image
    tickets::GeoPoint point;  // location
};
StepInput read_step_input(const line::Event& event);

// "ยกเลิก" / "cancel" typed or tapped (the configured label counts too), or the cancel postback.
bool is_cancel_input(const line::Event& event, const config::Config& config);

// Postback data of the engine's own buttons.
inline constexpr std::string_view kConfirmData = "flow=confirm";
inline constexpr std::string_view kEditData = "flow=edit";
inline constexpr std::string_view kCancelData = "flow=cancel";
inline constexpr std::string_view kKeepData = "flow=keep";
// The router's own: go on with the parked draft, start it again, or drop it.
inline constexpr std::string_view kResumeData = "flow=resume";
inline constexpr std::string_view kRestartData = "flow=restart";
inline constexpr std::string_view kDiscardData = "flow=discard";

// A typed place too vague to find ("ตรงนี้", "แถวนี้"): the resident is asked for a landmark.
bool is_vague_place(std::string_view typed);

struct QuickItem {
    enum class Type { message, postback, location, camera, camera_roll };
    Type type = Type::message;
    std::string label;         // clamped to LINE's 20 characters
    std::string value;         // message: the text sent; postback: the data
    std::string display_text;  // postback: what the chat shows as the resident's message
};

// The state document of one step flow.
class StepState {
public:
    explicit StepState(json::Document& state) : state_(state) {}

    void begin(std::string_view flow, std::string_view first_step);
    std::string step() const;
    // Remembers the current step (for ย้อนกลับ) and moves to `next`.
    void go(std::string_view next);
    // Moves to the step asked before; false when already at the first.
    bool back();
    bool can_go_back() const;
    // แก้ไข: the first step again, answers kept, trail forgotten.
    void restart(std::string_view first_step);

    bool has(std::string_view key) const;
    std::string get(std::string_view key) const;
    void set(std::string_view key, std::string_view value);
    void erase(std::string_view key);
    std::vector<std::string> list(std::string_view key) const;
    void append(std::string_view key, std::string_view value);
    std::optional<tickets::GeoPoint> point(std::string_view key) const;
    void set_point(std::string_view key, const tickets::GeoPoint& point);

private:
    json::Value& data();
    const json::Value* find_data(std::string_view key) const;

    json::Document& state_;
};

// A flow made of named steps. Subclasses ask and answer their own steps; the photo, location,
// phone and confirm steps are shared here.
class StepFlow : public Flow {
public:
    void start(FlowContext& context) override;
    void resume(FlowContext& context) override;
    void reprompt(FlowContext& context) override;
    bool keeps_draft(const json::Document& state) const override { return true; }

protected:
    explicit StepFlow(const FlowDeps& deps) : deps_(deps) {}

    virtual std::string first_step() const = 0;
    // Before the first question: e.g. a fault already named in the first message.
    virtual void on_start(StepState& state, const StepInput& first) {}
    // แก้ไข pressed: forget what should be asked again rather than skipped.
    virtual void on_edit(StepState& state) {}
    virtual void ask(FlowContext& context, StepState& state) = 0;
    virtual void answer(FlowContext& context, StepState& state, const StepInput& input) = 0;
    // The step after `step` (steps may be skipped, e.g. photos when max_photos is 0).
    virtual std::string next_step(const StepState& state, std::string_view step) const = 0;
    // The summary card (with ยืนยัน / แก้ไข / ยกเลิก) and the ticket it confirms.
    virtual json::Document summary(FlowContext& context, StepState& state) = 0;
    virtual tickets::TicketDraft draft(FlowContext& context, StepState& state) = 0;
    // The category name shown on the confirmation.
    virtual std::string category_name(const tickets::Ticket& ticket) const = 0;

    // Moves past `step` and asks what comes next.
    void advance(FlowContext& context, StepState& state, std::string_view step);
    // A polite word (texts key) and the current question again.
    void reask(FlowContext& context, StepState& state, const std::string& apology_key,
               const templates::Values& values = {});

    // Wording from config texts, {{name}} filled from `values`.
    std::string text(const std::string& key, const templates::Values& values = {}) const;
    // A text message with quick reply: `items`, then ย้อนกลับ (when possible) and ยกเลิก.
    std::string question(const StepState& state, const std::string& prompt, std::vector<QuickItem> items,
                         bool offer_back = true) const;
    void attach_step_quick_reply(json::Document& message, const StepState& state, std::vector<QuickItem> items,
                                 bool offer_back = true) const;
    std::string plain(const std::string& text) const;

    bool is_word(const StepInput& input, std::string_view literal, const std::string& label_key) const;
    bool is_skip(const StepInput& input) const { return is_word(input, "ข้าม", "flow_skip_label"); }
    bool is_done(const StepInput& input) const { return is_word(input, "เสร็จแล้ว", "flow_done_label"); }
    bool is_keep(const StepInput& input) const;
    QuickItem message_item(const std::string& label_key) const;
    QuickItem keep_item() const;

    // Shared steps. Up to photo_limit() photos; the step is left when the limit is reached.
    void ask_photos(FlowContext& context, StepState& state, const std::string& prompt_key);
    void answer_photos(FlowContext& context, StepState& state, const StepInput& input);
    void ask_location(FlowContext& context, StepState& state, const std::string& prompt_key, bool optional);
    void ask_phone(FlowContext& context, StepState& state);
    void answer_phone(FlowContext& context, StepState& state, const StepInput& input);
    void ask_confirm(FlowContext& context, StepState& state);
    void answer_confirm(FlowContext& context, StepState& state, const StepInput& input);
    // Input no step can use (sticker, video, audio, file): an apology, photos full, or not-here.
    void reask_unexpected(FlowContext& context, StepState& state, const StepInput& input);
    // How many photos this flow takes (an extra image anywhere is refused with the limit).
    virtual int photo_limit() const = 0;
    // The steps that take photos and the place; a photo or a location sent at another step is
    // kept for them instead of being refused.
    virtual std::string photo_step() const = 0;
    virtual std::string location_step() const = 0;
    // Keeps a photo or location sent before its step (true when it was one); says so.
    bool keep_early(FlowContext& context, StepState& state, const StepInput& input);
    // The router's early inputs (sent with no flow in progress), kept as keep_early does.
    void keep_carried(FlowContext& context, StepState& state);
    // A text this step cannot use: the router is given the chance to read it as something else;
    // otherwise the apology and the question again.
    void reask_text(FlowContext& context, StepState& state, const std::string& apology_key,
                    const templates::Values& values = {});

    // "ไม่ระบุ" when absent; a place title/address, else coordinates.
    std::string describe_point(const std::optional<tickets::GeoPoint>& point) const;
    std::string describe_phone(const std::string& phone) const;
    std::string photo_count(const StepState& state) const;
    // Common values of the summary templates: title, labels, buttons.
    templates::Values summary_values(const std::string& title_key, const std::string& alt_key) const;

    const FlowDeps& deps() const { return deps_; }

private:
    void file_ticket(FlowContext& context, StepState& state);

    FlowDeps deps_;
};

// A phone number as residents type it: "0812345678", "+66 81 234 5678", "081 234 5678 ค่ะ", Thai
// digits; 9–10 digits starting with 0 once normalised. A sentence with a number in it is not one.
std::optional<std::string> parse_phone(std::string_view typed);
// "081xxx5678": enough to recognise, not enough to misuse.
std::string mask_phone(const std::string& phone);

}  // namespace thesaban::handlers
