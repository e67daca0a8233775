// replies.cc - JSON replies of the socket protocol.
#include "server/replies.h"

#include <ctime>

#include "common/json.h"

namespace bounced {

std::string iso_time(std::int64_t t) {
  if (t <= 0) return {};
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

// One status object, written straight into `out`: the reply most asked for, so no
// object is built and copied per address (its keys need no escaping).
void append_status_json(std::string& out, const AddressStatus& s) {
  out += R"({"address":)";
  json_append_string(out, s.address);
  out += R"(,"state":)";
  json_append_string(out, state_name(s.state));
  out += R"(,"soft_count":)";
  out += std::to_string(s.soft_count);
  out += R"(,"threshold":)";
  out += std::to_string(s.threshold);
  out += R"(,"reason":)";
  json_append_string(out, s.reason);
  out += R"(,"since":)";
  json_append_string(out, iso_time(s.since));
  out += R"(,"cause":)";
  json_append_string(out, s.cause);
  out += s.activity ? R"(,"activity":true})" : R"(,"activity":false})";
}

}  // namespace

std::string status_array_json(const std::vector<AddressStatus>& v) {
  std::string out;
  out.reserve(8 + 192 * v.size());  // room for ok_reply's "OK " and newline too
  out.push_back('[');
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out.push_back(',');
    append_status_json(out, v[i]);
  }
  out.push_back(']');
  return out;
}

std::string history_json(const std::vector<EventRow>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    const EventRow& e = v[i];
    JsonObject o;
    o.add("time", iso_time(e.ts)).add("action", e.action).add("status", e.status)
        .add("reply_code", e.reply_code).add("reason", e.reason).add("bounce", e.klass)
        .add("diagnostic", e.diagnostic).add("remote_mta", e.remote_mta).add("format", e.format)
        .add("rule", e.rule).add("message_key", e.message_key)
        .add_raw("counted", e.counted ? "true" : "false").add("note", e.note);
    if (i) out.push_back(',');
    out += std::move(o).str();
  }
  return out + "]";
}

std::string stats_json(const StoreStats& s, std::uint64_t commits) {
  JsonObject o;
  o.add_raw("addresses", std::to_string(s.addresses)).add_raw("hard", std::to_string(s.hard))
      .add_raw("soft", std::to_string(s.soft)).add_raw("reports", std::to_string(s.reports))
      .add_raw("events", std::to_string(s.events)).add_raw("unparsed", std::to_string(s.unparsed))
      .add_raw("commits", std::to_string(commits));
  return std::move(o).str();
}

}  // namespace bounced
