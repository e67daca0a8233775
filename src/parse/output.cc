// output.cc - the JSON line of one recipient.
#include "parse/output.h"

#include <utility>

#include "common/json.h"

namespace bounced {

std::string recipient_json(const std::string& file, const Report& report, const RecipientFacts& r,
                           const std::vector<std::string>* explain) {
  JsonObject o;
  o.reserve(1024);  // a recipient's line is 400-900 bytes
  o.add("file", file)
      .add("recipient", r.recipient)
      .add("original_recipient", r.original_recipient)
      .add("action", r.action)
      .add("status", r.status)
      .add("reply_code", r.reply_code)
      .add("reason", r.reason)
      .add("bounce", r.bounce)
      .add("diagnostic", r.diagnostic)
      .add("remote_mta", r.remote_mta)
      .add("format", report.format)
      .add("rule", r.rule)
      .add("message_id", report.message_id)
      .add("date", report.date);
  if (!r.feedback_type.empty()) o.add("feedback_type", r.feedback_type);
  if (!report.reporting_mta.empty()) o.add("reporting_mta", report.reporting_mta);
  if (!r.command.empty()) o.add("command", r.command);
  if (!report.verp_recipient.empty()) o.add("verp_recipient", report.verp_recipient);
  if (explain) {
    std::string arr = "[";
    for (const auto& line : *explain) {
      if (arr.size() > 1) arr.push_back(',');
      json_append_string(arr, line);
    }
    arr.push_back(']');
    o.add_raw("explain", arr);
  }
  return std::move(o).str();
}

}  // namespace bounced
