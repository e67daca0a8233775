// amazonses.cc - Amazon SES.
//  * Notifications in JSON (sent through SNS, or as the raw event): notificationType
//    or eventType "Bounce" (bounce.bouncedRecipients[]), "Complaint"
//    (complaint.complainedRecipients[]), "Delivery" (delivery.recipients[]) or
//    "DeliveryDelay" (deliveryDelay.delayedRecipients[]). An SNS
//    envelope ({"Type":"Notification","Message":"<json>"}) is opened first.
//  * SES's own DSNs (MAILER-DAEMON@...amazonses.com), whose Diagnostic-Code wraps the
//    remote answer: "5.1.0 - Unknown address error 550-'5.2.2 <x>... Mailbox Full'
//    (delivery attempts: 0)". The remote answer becomes the diagnostic.
#include <string>

#include "common/address.h"
#include "common/strutil.h"
#include "formats/json_lite.h"
#include "formats/provider_util.h"
#include "formats/reader.h"
#include "formats/text_scan.h"
#include "report/codes.h"
#include "report/dsn.h"

namespace bounced {
namespace {

std::string after_semicolon(std::string_view v) {
  std::size_t p = v.find(';');
  if (p != std::string_view::npos) v = v.substr(p + 1);
  return std::string(trim(v));
}

// Removes the "!\n " folds that some mail systems insert into over-long lines.
std::string unfold_bang(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '!' && i + 2 < s.size() && s[i + 1] == '\n' && s[i + 2] == ' ') {
      i += 2;
      continue;
    }
    if (s[i] == '!' && i + 3 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n' && s[i + 3] == ' ') {
      i += 3;
      continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

bool find_notification(std::string_view body, JsonValue& out) {
  std::size_t b = body.find('{');
  if (b == std::string_view::npos) return false;
  JsonValue v;
  if (!parse_json(body, b, v)) {
    std::string unfolded = unfold_bang(body.substr(b));
    if (!parse_json(unfolded, 0, v)) return false;
  }
  if (!v.is_object()) return false;
  // An SNS envelope carries the event as a JSON string in "Message".
  if (v.str("Type") == "Notification") {
    std::string inner = v.str("Message");
    JsonValue m;
    std::size_t p = inner.find('{');
    if (p == std::string::npos || !parse_json(inner, p, m) || !m.is_object()) return false;
    v = std::move(m);
  }
  out = std::move(v);
  return true;
}

class AmazonSesReader : public FormatReader {
 public:
  std::string_view name() const override { return "amazonses"; }
  int order() const override { return 20; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (in.has_dsn) return enrich(in, report);
    if (in.body.find("{") == std::string::npos) return false;
    if (!icontains(in.body, "notificationType") && !icontains(in.body, "eventType")) return false;
    JsonValue n;
    if (!find_notification(in.body, n)) return false;
    std::string type = n.str("notificationType");
    if (type.empty()) type = n.str("eventType");
    if (type == "Bounce") return read_bounce(n, report);
    if (type == "Complaint") return read_complaint(n, report);
    if (type == "Delivery") return read_delivery(n, report);
    if (type == "DeliveryDelay") return read_delay(n, report);
    return false;
  }

 private:
  // One bouncedRecipients[] / delayedRecipients[] entry: address, status, diagnostic,
  // reply code and command. False when it names no address.
  static bool recipient_item(const JsonValue& item, RecipientFacts& r) {
    if (!item.is_object()) return false;
    r.recipient = normalize_address(item.str("emailAddress"));
    if (r.recipient.empty()) return false;
    r.status = clean_status(item.str("status"));
    std::string diag = item.str("diagnosticCode");
    if (!diag.empty()) split_typed_value(diag, r.diagnostic_type, r.diagnostic);
    r.diagnostic = clean_diagnostic(r.diagnostic);
    r.reply_code = leading_reply_code(r.diagnostic);
    complete_command(r);
    return true;
  }

  bool read_bounce(const JsonValue& n, Report& report) const {
    const JsonValue* b = n.get("bounce");
    if (!b) return false;
    const JsonValue* list = b->get("bouncedRecipients");
    if (!list || !list->is_array()) return false;
    bool transient = b->str("bounceType") == "Transient";
    std::string mta = after_semicolon(b->str("reportingMTA"));
    if (!mta.empty()) report.reporting_mta = mta;
    std::string remote = b->str("remoteMtaIp");
    std::size_t before = report.recipients.size();
    for (const auto& item : list->items) {
      RecipientFacts r;
      if (!recipient_item(item, r)) continue;
      r.action = item.str("action");
      if (r.action.empty()) r.action = transient ? "delayed" : "failed";
      r.remote_mta = remote;
      add_or_merge(report, std::move(r));
    }
    if (report.recipients.size() == before) return false;
    report.kind = ReportKind::kBounce;
    return true;
  }

  // Event publishing's "DeliveryDelay": deliveryDelay.delayedRecipients[].
  bool read_delay(const JsonValue& n, Report& report) const {
    const JsonValue* d = n.get("deliveryDelay");
    if (!d) return false;
    const JsonValue* list = d->get("delayedRecipients");
    if (!list || !list->is_array()) return false;
    std::size_t before = report.recipients.size();
    for (const auto& item : list->items) {
      RecipientFacts r;
      if (!recipient_item(item, r)) continue;
      r.action = "delayed";
      if (r.diagnostic.empty()) r.diagnostic = d->str("delayType");
      add_or_merge(report, std::move(r));
    }
    if (report.recipients.size() == before) return false;
    report.kind = ReportKind::kBounce;
    return true;
  }

  bool read_complaint(const JsonValue& n, Report& report) const {
    const JsonValue* c = n.get("complaint");
    if (!c) return false;
    const JsonValue* list = c->get("complainedRecipients");
    if (!list || !list->is_array()) return false;
    std::string type = to_lower(c->str("complaintFeedbackType"));
    if (type.empty()) type = "abuse";
    std::size_t before = report.recipients.size();
    for (const auto& item : list->items) {
      if (!item.is_object()) continue;
      RecipientFacts r;
      r.recipient = normalize_address(item.str("emailAddress"));
      if (r.recipient.empty()) continue;
      r.feedback_type = type;
      r.reason = "feedback";
      r.bounce = "none";
      r.rule = "report-type";
      add_or_merge(report, std::move(r));
    }
    if (report.recipients.size() == before) return false;
    report.kind = ReportKind::kFeedback;
    return true;
  }

  bool read_delivery(const JsonValue& n, Report& report) const {
    const JsonValue* d = n.get("delivery");
    if (!d) return false;
    const JsonValue* list = d->get("recipients");
    if (!list || !list->is_array()) return false;
    std::string response = clean_diagnostic(d->str("smtpResponse"));
    std::string mta = after_semicolon(d->str("reportingMTA"));
    if (!mta.empty()) report.reporting_mta = mta;
    std::size_t before = report.recipients.size();
    for (const auto& item : list->items) {
      if (item.type != JsonValue::Type::kString) continue;
      RecipientFacts r;
      r.recipient = normalize_address(item.text);
      if (r.recipient.empty()) continue;
      r.action = "delivered";
      r.diagnostic = response;
      r.diagnostic_type = "SMTP";
      r.reply_code = leading_reply_code(response);
      r.status = find_status_code(response);
      add_or_merge(report, std::move(r));
    }
    if (report.recipients.size() == before) return false;
    report.kind = ReportKind::kBounce;
    return true;
  }

  // SES's own DSN: unwrap "... 550-'5.2.2 <x>... Mailbox Full' (delivery attempts: 0)".
  bool enrich(const ReaderInput& in, Report& report) const {
    bool ses = icontains(in.from, "amazonses.com") || in.msg.headers.has("X-AWS-Outgoing") ||
               icontains(report.reporting_mta, "amazonses.com");
    if (!ses || report.recipients.empty()) return false;
    for (auto& r : report.recipients) {
      std::string_view d = r.diagnostic;
      std::size_t q = d.find('\'');
      std::size_t q2 = d.rfind('\'');
      if (q == std::string_view::npos || q2 <= q + 1 || q < 4) continue;
      std::string rc = leading_reply_code(d.substr(q - 4, 3));
      if (rc.empty() || d[q - 1] != '-') continue;
      std::string inner = clean_diagnostic(d.substr(q + 1, q2 - q - 1));
      r.diagnostic = rc + " " + inner;
      r.reply_code = rc;
      std::string st = find_status_code(inner);
      if (!st.empty()) r.status = st;
      complete_command(r);
    }
    return true;
  }
};

}  // namespace
}  // namespace bounced

using bounced::AmazonSesReader;
BOUNCED_REGISTER_READER(AmazonSesReader)
