// generic.cc - the fallback for plain-text bounces of MTAs without a reader of their
// own: a mailer's notice (MAILER-DAEMON, postmaster, "Mail Delivery System") or a
// bounce subject, with failed addresses in the text and error lines near them.
//
// Reading order, for each address that the text names (not the mailer's, not the
// bounce's own correspondents, not the original sender): the line that holds it, less
// the address, and the lines after it up to a blank line; when that says nothing
// about an error, the text's error lines (a reply code at the start, or words like
// "unknown", "full", "rejected"). When the text names no address, the recipient is
// the returned original's To.
#include <cctype>
#include <string>
#include <vector>

#include "common/address.h"
#include "common/limits.h"
#include "common/strutil.h"
#include "formats/reader.h"
#include "formats/text_scan.h"
#include "mime/header_list.h"
#include "report/codes.h"
#include "report/command.h"

namespace bounced {
namespace {

bool mailer_sender(std::string_view from) {
  return contains_any(from, {"mailer-daemon", "postmaster", "post_master", "mail delivery", "mail deliver",
                             "mail.delivery", "mailer daemon", "delivery subsystem", "mail administrator",
                             "mail system", "interscan", "m-filter"});
}

bool bounce_subject(std::string_view s) {
  return contains_any(s, {"undeliver", "returned mail", "delivery fail", "failure notice", "mail delivery",
                          "delivery status", "non-delivery", "nondelivery", "undelivered", "delivery problem",
                          "mail system error", "error", "failed", "failure", "could not be delivered",
                          "rejected", "returned", "エラー", "不達", "返送", "配信できません"});
}

bool bounce_text(std::string_view b) {
  return contains_any(b, {"could not be delivered", "couldn't be delivered", "undeliverable", "delivery failed",
                          "failed permanently", "permanent error", "permanent fatal", "user unknown", "unknown user",
                          "no such user", "not be delivered", "delivery errors", "delivery error",
                          "delivery problems", "unable to deliver", "was not delivered", "did not reach",
                          "mailbox is full", "mailbox full", "failure reason", "error message", "server message",
                          "error delivering", "account is disabled", "could not deliver"});
}

bool error_words(std::string_view t) {
  if (!find_status_code(t).empty()) return true;
  std::string_view s = trim(t);
  if (s.size() >= 3 && (s[0] == '4' || s[0] == '5') && std::isdigit(static_cast<unsigned char>(s[1])) &&
      std::isdigit(static_cast<unsigned char>(s[2])))
    return true;
  return contains_any(t, {"unknown", "full", "quota", "reject", "denied", "disabled", "invalid", "not exist",
                          "no such", "error", "fail", "refused", "blocked", "not found", "not allowed",
                          "timed out", "timeout", "expired", "too large", "too big", "suspended", "inactive",
                          "not accept", "unavailable"});
}

bool boilerplate(std::string_view t) {
  if (t.starts_with("---") || t.starts_with("===") || t.starts_with("***")) return true;
  return contains_any(t, {"this is", "original message", "was received at", "mime", "the following",
                          "if you", "please", "copy of", "automatically", "do not reply", "message details"});
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) {
    if (!out.empty()) out.push_back(' ');
    out.append(l);
  }
  return out;
}

class GenericReader final : public FormatReader {
 public:
  std::string_view name() const override { return "generic"; }
  int order() const override { return 1000; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (in.has_dsn) return false;
    bool sender = mailer_sender(in.from);
    bool subject = bounce_subject(in.subject);
    std::string_view body(in.body);
    if (!((sender && (subject || bounce_text(body))) || (subject && bounce_text(body)))) return false;
    std::string_view region = cut_original(body);
    for (std::string_view end : {"------- returned message", "-------original message", "included is a copy of the message",
                                 "message headers follow", "original message headers", "--- original message"}) {
      std::size_t p = ifind(region, end);
      if (p != std::string_view::npos) region = region.substr(0, p);
    }
    std::vector<std::string> exclude = find_addresses(in.msg.headers.decoded("From"));
    for (const auto& a : find_addresses(in.msg.headers.decoded("To"))) exclude.push_back(a);
    for (const auto& a : find_addresses(in.msg.original_headers.decoded("From"))) exclude.push_back(a);
    auto excluded = [&](const std::string& a) {
      if (is_mailer_address(a)) return true;
      for (const auto& e : exclude)
        if (iequals(e, a)) return true;
      return false;
    };

    std::vector<std::string_view> lines = split_lines(region);
    std::vector<std::string> error_lines;
    std::string command;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      std::string_view t = trim(lines[i]);
      if (t.empty()) continue;
      if (istarts_with(t, "-") && icontains(t, "smtp command")) {
        for (std::size_t j = i + 1; j < lines.size() && j < i + 3; ++j)
          if (!trim(lines[j]).empty()) {
            command = command_in_text(std::string("in reply to ").append(trim(lines[j])));
            break;
          }
      }
      if (boilerplate(t)) continue;
      std::string without(t);
      for (const auto& a : find_addresses(t))
        for (std::size_t p; (p = ifind(without, a)) != std::string::npos;) without.erase(p, a.size());
      if (error_words(without) && error_lines.size() < 4) error_lines.emplace_back(t);
    }

    std::size_t added = 0;
    for (std::size_t i = 0; i < lines.size() && report.recipients.size() < limits::kMaxRecipients; ++i) {
      std::string_view line = trim(lines[i]);
      if (line.find('@') == std::string_view::npos) continue;
      if (istarts_with(line, "from:") || istarts_with(line, "mail from:") || istarts_with(line, "reply-to:") ||
          istarts_with(line, "sender:") || istarts_with(line, "return-path:") || istarts_with(line, "cc:"))
        continue;
      for (const auto& addr : find_addresses(line)) {
        if (excluded(addr)) continue;
        std::string diag(line);
        for (std::size_t p; (p = ifind(diag, addr)) != std::string::npos;) diag.erase(p, addr.size());
        for (std::size_t j = i + 1; j < lines.size() && !trim(lines[j]).empty() &&
                                    find_addresses(lines[j]).empty() && j < i + 6; ++j)
          diag.append(" ").append(trim(lines[j]));
        diag = squeeze_spaces(diag);
        if (!error_words(diag) || boilerplate(diag)) {
          std::string joined = join_lines(error_lines);
          if (!joined.empty()) diag = joined;
        }
        RecipientFacts r;
        r.recipient = addr;
        r.diagnostic = diag.substr(0, limits::kMaxDiagnostic);
        r.command = command;
        std::size_t before = report.recipients.size();
        add_or_merge(report, std::move(r));
        if (report.recipients.size() > before) ++added;
      }
    }
    if (added == 0) {
      std::string to = first_address(in.msg.original_headers.decoded("To"));
      if (to.empty()) {
        // The original came back inline ("----- Unsent message follows -----"): its
        // header block starts on the line after the marker.
        std::size_t cut = region.size();
        std::size_t nl = cut < body.size() ? body.find('\n', cut) : std::string_view::npos;
        if (nl != std::string_view::npos) {
          HeaderList inline_original;
          parse_header_block(body.substr(nl + 1), inline_original);
          to = first_address(inline_original.decoded("To"));
        }
      }
      if (to.empty() || error_lines.empty()) return false;
      RecipientFacts r;
      r.recipient = to;
      r.diagnostic = squeeze_spaces(join_lines(error_lines)).substr(0, limits::kMaxDiagnostic);
      r.command = command;
      report.recipients.push_back(std::move(r));
    }
    return !report.recipients.empty();
  }
};

}  // namespace

BOUNCED_REGISTER_READER(GenericReader)

}  // namespace bounced
