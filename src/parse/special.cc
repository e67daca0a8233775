// special.cc - ARF complaints and RFC 3834 auto-replies.
#include "parse/special.h"

#include "common/address.h"
#include "common/strutil.h"
#include "mime/header_list.h"

namespace bounced {

namespace {

void add_row(Report& report, std::string addr, std::string reason, std::string feedback_type) {
  RecipientFacts r;
  r.recipient = std::move(addr);
  r.reason = std::move(reason);
  r.bounce = "none";
  r.rule = "report-type";
  r.feedback_type = std::move(feedback_type);
  report.recipients.push_back(std::move(r));
}

}  // namespace

bool read_feedback_report(const Message& msg, Report& report) {
  const Part* fr = msg.find("message/feedback-report");
  std::string_view ct = msg.headers.get("Content-Type");
  std::string recipient;
  std::string type = "abuse";
  if (fr) {
    HeaderList f;
    parse_header_block(fr->text, f);
    if (f.has("Feedback-Type")) type = to_lower(trim(f.get("Feedback-Type")));
    for (auto name : {"Original-Rcpt-To", "Removal-Recipient"}) {
      if (recipient.empty()) recipient = normalize_address(f.get(name));
    }
  } else if (!icontains(ct, "feedback-report")) {
    // Hotmail/Outlook.com JMRP complaints: the original comes back with a marker header.
    std::string_view hm = msg.original_headers.get("X-HmXmrOriginalRecipient");
    std::string_view subject = msg.headers.get("Subject");
    if (!hm.empty()) {
      recipient = normalize_address(hm);
    } else if (iequals(trim(subject), "unsubscribe") && msg.parts.size() <= 2 &&
               trim(msg.body_text()).size() < 200) {
      // A mailbox provider's one-click unsubscribe sent to the List-Unsubscribe mailto:
      // an opt-out from the address that sent it.
      add_row(report, first_address(msg.headers.decoded("From")), "feedback", "opt-out");
      report.kind = ReportKind::kFeedback;
      report.format = "arf";
      return true;
    } else {
      return false;
    }
  }
  if (recipient.empty()) recipient = first_address(msg.original_headers.decoded("To"));
  add_row(report, recipient, "feedback", type);
  report.kind = ReportKind::kFeedback;
  report.format = "arf";
  return true;
}

bool read_auto_reply(const Message& msg, Report& report) {
  const HeaderList& h = msg.headers;
  std::string auto_submitted = to_lower(trim(h.get("Auto-Submitted")));
  std::string subject = h.decoded("Subject");
  bool is_auto = auto_submitted.starts_with("auto-replied") || h.has("X-Autoreply") ||
                 h.has("X-Autorespond") || h.has("X-Mail-Autoreply") ||
                 iequals(trim(h.get("Precedence")), "auto_reply") ||
                 iequals(trim(h.get("X-Auto-Response")), "yes");
  static const std::string_view subjects[] = {
      "auto reply",       "automatic reply",     "autoreply",     "auto-reply",
      "out of office",    "out of the office",   "auto:",         "autosvar",
      "abwesenheit",      "automatische antwort", "réponse automatique", "vacation",
      "away from",        "自動応答",              "自動返信",        "respuesta automática"};
  if (!is_auto) {
    for (auto s : subjects)
      if (istarts_with(trim(subject), s)) is_auto = true;
  }
  if (!is_auto) return false;
  std::string who = first_address(h.decoded("From"));
  if (who.empty()) who = normalize_address(h.get("Return-Path"));
  add_row(report, who, "vacation", "");
  report.kind = ReportKind::kVacation;
  report.format = "rfc3834";
  return true;
}

}  // namespace bounced
