// parser.cc - the reading order: ARF, RFC 3464, format readers, auto-replies; then
// codes from the diagnostic text, the returned original, and classification.
#include "parse/parser.h"

#include "classify/classifier.h"
#include "classify/reasons.h"
#include "common/address.h"
#include "common/date.h"
#include "common/limits.h"
#include "common/strutil.h"
#include "formats/reader.h"
#include "formats/text_scan.h"
#include "mime/message.h"
#include "parse/special.h"
#include "report/codes.h"
#include "report/command.h"
#include "report/dsn.h"

namespace bounced {

namespace {

// The header of a returned original that a text part quotes after a marker line
// (Exim's "------ This is a copy of the message, including all the headers. ------",
// qmail's "--- Below this line is a copy of the message.", Gmail, Sendmail without
// MIME): the marker's line is skipped, then blank lines, then the header block.
HeaderList inline_original_header(std::string_view body, std::size_t marker) {
  HeaderList h;
  std::size_t nl = body.find('\n', marker);
  while (nl != std::string_view::npos) {
    const std::size_t start = nl + 1;
    nl = body.find('\n', start);
    const std::size_t end = nl == std::string_view::npos ? body.size() : nl;
    const std::string_view line = trim(body.substr(start, end - start));
    // blank lines and rules ("-----------", "=========") before the header
    if (!line.empty() && line.find_first_not_of("-=") != std::string_view::npos) {
      parse_header_block(body.substr(start), h);
      break;
    }
  }
  return h;
}

void read_original(const Message& msg, const ReaderInput& in, Report& report) {
  HeaderList quoted;
  if (msg.original_headers.empty()) quoted = inline_original_header(in.body, in.no_original.size());
  const HeaderList& h = msg.original_headers.empty() ? quoted : msg.original_headers;
  if (h.empty()) return;
  if (report.message_id.empty()) report.message_id = std::string(trim(h.get("Message-ID")));
  report.original_from = first_address(h.decoded("From"));
  if (report.original_from.empty()) report.original_from = normalize_address(h.get("Return-Path"));
  report.original_subject = h.decoded("Subject");
  report.list_id = std::string(trim(h.get("List-Id")));
}

// Codes and hosts that the diagnostic text carries but the fields lack.
void complete_codes(RecipientFacts& r) {
  const std::string from_text = find_status_code(r.diagnostic);
  const std::string reply_in_text = find_reply_code(r.diagnostic);
  if (r.status.empty() || (is_generic_status(r.status) && !from_text.empty() &&
                           from_text[0] == r.status[0])) {
    if (!from_text.empty()) r.status = from_text;
  } else if (r.action == "failed" && r.status[0] == '4' && from_text.starts_with("5") &&
             reply_in_text.starts_with("5")) {
    // "Action: failed" with a temporary Status contradicts itself; the remote
    // answer (e.g. a 5xx greeting the MTA first took as temporary) is the final word.
    r.status = from_text;
  } else if (!from_text.empty() && from_text != r.status && from_text[0] == r.status[0] &&
             !is_generic_status(from_text) && r.status.substr(1) != ".4.7" && !reply_in_text.empty() &&
             reply_in_text[0] == from_text[0]) {
    // The remote server's own code in its reply ("550 5.7.1 IP address blacklisted")
    // names the failure; a reporting MTA that writes another one in Status (Sendmail's
    // 5.1.1 for a refused RCPT) only restates it. X.4.7 stays: it says that the
    // retries ran out, which the classifier needs to know.
    r.status = from_text;
  }
  if (r.reply_code.empty()) r.reply_code = reply_in_text;
  if (r.remote_mta.empty()) r.remote_mta = find_remote_host(r.diagnostic);
  if (r.action.empty()) r.action = "failed";
}

// A DSN without Diagnostic-Code often has the SMTP reply in its text part, on the line
// that names the recipient (OpenSMTPD "user@example.org: 550 5.1.1 ...", Postfix
// "<user@example.org>: host ... said: ..."): take it, with its continuation lines.
// Sendmail's transcript line "<user@example.org>... Deferred: Connection refused by
// mx.example.org." is such a line even without a code: a deferral that ran out in
// the queue (DNS failures, refused connections) is written nowhere else.
void diagnostics_from_text(std::string_view no_original, Report& report) {
  std::vector<std::string_view> lines = split_lines(no_original);
  for (auto& r : report.recipients) {
    if (!r.diagnostic.empty() || r.recipient.empty()) continue;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      std::string_view t = trim(lines[i]);
      std::size_t at = ifind(t, r.recipient);
      if (at == std::string_view::npos) continue;
      std::string_view rest = t.substr(at + r.recipient.size());
      const bool sendmail_line = at == 1 && t.front() == '<' && rest.starts_with(">... ");
      while (!rest.empty() && (rest.front() == '>' || rest.front() == ':' || rest.front() == ' ' ||
                               rest.front() == '.'))
        rest.remove_prefix(1);
      std::string d(rest);
      for (std::size_t j = i + 1; j < lines.size() && j < i + 6; ++j) {
        std::string_view n = lines[j];
        if (trim(n).empty() || (n.front() != ' ' && n.front() != '\t')) break;
        d.append(" ").append(trim(n));
      }
      d = squeeze_spaces(d);
      if (d.size() >= 8 && (sendmail_line || !find_status_code(d).empty() || !find_reply_code(d).empty())) {
        r.diagnostic = d.substr(0, 4096);
        break;
      }
    }
  }
}

ParseResult parse_at(std::string_view raw, const ParseOptions& options, int depth);

}  // namespace

ParseResult parse_message(std::string_view raw, const ParseOptions& options) {
  return parse_at(raw, options, 0);
}

namespace {

ParseResult parse_at(std::string_view raw, const ParseOptions& options, int depth) {
  ParseResult result;
  Message msg = read_message(raw);
  result.warnings = msg.warnings;
  Report& report = result.report;

  ReaderInput in{msg, msg.body_text(), first_address(msg.headers.decoded("From")),
                 msg.headers.decoded("Subject"), false, {}};
  in.from = msg.headers.decoded("From");
  in.no_original = cut_original(in.body);

  bool found = read_feedback_report(msg, report);
  if (!found) {
    const Part* ds = msg.find("message/delivery-status");
    if (!ds) ds = msg.find("message/global-delivery-status");
    if (ds && parse_delivery_status(ds->text, report) > 0) {
      report.kind = ReportKind::kBounce;
      report.format = "rfc3464";
      in.has_dsn = true;
    }
    for (const auto& reader : readers()) {
      if (reader->read(in, report)) {
        // A reader may report a complaint (e.g. a provider's JSON notification).
        if (report.kind != ReportKind::kFeedback) report.kind = ReportKind::kBounce;
        report.format = std::string(reader->name());
        break;
      }
    }
    found = report.kind != ReportKind::kNone && !report.recipients.empty();
  }
  if (!found && depth < limits::kMaxNestedReports && !msg.nested_report.empty() &&
      looks_like_bounce(in.from, in.subject)) {
    // A mailer's notice that reports nothing itself but returns a report (a bounce
    // relayed or forwarded inside message/rfc822): the inner report is the bounce.
    ParseResult inner = parse_at(msg.nested_report, options, depth + 1);
    if (inner.report.kind == ReportKind::kBounce && !inner.report.recipients.empty()) {
      inner.warnings.insert(inner.warnings.begin(), result.warnings.begin(), result.warnings.end());
      return inner;
    }
  }
  if (!found) found = read_auto_reply(msg, report);
  if (!found) {
    report = Report{};
    return result;
  }

  read_original(msg, in, report);
  std::string envelope(trim(msg.headers.get("X-Original-To")));
  if (envelope.empty()) envelope = std::string(trim(msg.headers.get("Delivered-To")));
  if (envelope.empty()) envelope = std::string(trim(msg.headers.get("To")));
  report.verp_recipient = decode_verp(envelope, options.verp_prefix, options.verp_delimiter);

  std::string date = rfc5322_to_iso(report.arrival_date);
  if (date.empty()) date = rfc5322_to_iso(msg.headers.get("Date"));
  report.date = date;

  if (report.recipients.empty() && !report.verp_recipient.empty()) {
    RecipientFacts r;
    r.recipient = report.verp_recipient;
    report.recipients.push_back(r);
  }
  if (report.kind == ReportKind::kBounce) {
    // A notice that says it is only a warning reports delays (not counted), whatever
    // a text reader made of it; delivery-status fields carry their own Action.
    if (report.format != "rfc3464" && says_warning_only(in.no_original))
      for (auto& r : report.recipients)
        if (r.action.empty() || r.action == "failed") r.action = "delayed";
    diagnostics_from_text(in.no_original, report);
    assign_commands(in.body, report);
  }
  for (auto& r : report.recipients) {
    if (r.recipient.empty() && !report.verp_recipient.empty()) r.recipient = report.verp_recipient;
    if (report.kind == ReportKind::kBounce) {
      complete_codes(r);
      std::vector<std::string> lines;
      options.classifier->classify(report, r, options.explain ? &lines : nullptr);
      if (r.action == "expired") r.action = "failed";  // not an RFC 3464 action
      if (r.status.empty()) {
        bool permanent = !r.reply_code.starts_with("4") && r.action != "delayed";
        r.status = pseudo_status(r.reason, permanent);
      }
      if (options.explain) result.explain.push_back(std::move(lines));
    } else if (options.explain) {
      result.explain.push_back({"not a bounce: " + r.reason});
    }
  }
  return result;
}

}  // namespace

}  // namespace bounced
