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
  if (t.starts_with("---") || t.starts_with("===") || t.starts_with("***") || t.starts_with("|---")) return true;
  return contains_any(t, {"this is", "original message", "was received at", "mime", "the following",
                          "if you", "please", "copy of", "automatically", "do not reply", "message details"});
}

// "<user@example.org>" or "user@example.org" taken out of a line; the rest, squeezed.
std::string without_address(std::string_view line, const std::string& addr) {
  std::string out(line);
  for (std::size_t p; (p = ifind(out, addr)) != std::string::npos;) {
    std::size_t b = p, e = p + addr.size();
    if (b > 0 && e < out.size() && out[b - 1] == '<' && out[e] == '>') {
      --b;
      ++e;
    }
    out.erase(b, e - b);
  }
  return squeeze_spaces(out);
}

// Text after an address: without the brackets, colons and dots that end it.
std::string_view strip_lead(std::string_view t) {
  while (!t.empty() && (t.front() == '>' || t.front() == ':' || t.front() == ' ' || t.front() == '.' ||
                        t.front() == ',' || t.front() == ';' || t.front() == ')' || t.front() == '"' ||
                        t.front() == '\t'))
    t.remove_prefix(1);
  return t;
}

// A list bullet or a lone field label ("*", "-", "Recipient:", "Address:") says nothing:
// empty then.
std::string strip_label(std::string s) {
  std::string_view t = trim(s);
  bool letters = false;
  for (char c : t)
    if (std::isalnum(static_cast<unsigned char>(c))) letters = true;
  if (!letters) return {};
  if (t.size() < 24 && t.back() == ':' && t.find(' ') == std::string_view::npos) return {};
  return s;
}

// An SMTP session transcript line: ">>> RCPT TO:<...>" or "<<< 550 ...".
bool transcript_line(std::string_view t) { return t.starts_with(">>> ") || t.starts_with("<<< "); }

// True when text says nothing about an error, or only boilerplate without any code.
bool weak_text(std::string_view t) {
  if (!error_words(t)) return true;
  return boilerplate(t) && find_status_code(t).empty() && find_reply_code(t).empty();
}

// The line that introduces the list the address at lines[i] belongs to: the nearest
// non-empty line above that names no address and ends with ':'; else empty.
std::string_view lead_in(const std::vector<std::string_view>& lines, std::size_t i) {
  for (std::size_t k = i, seen = 0; k > 0 && seen < 12; ++seen) {
    std::string_view t = trim(lines[--k]);
    if (t.empty() || t.find('@') != std::string_view::npos) continue;
    if (t.back() != ':' || t.starts_with("---") || t.starts_with("===") || t.starts_with("***")) return {};
    return t;
  }
  return {};
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
    std::string_view region = in.no_original;  // cut_original(body), computed once
    for (std::string_view end : {"------- returned message", "-------original message", "-------original mail info",
                                 "included is a copy of the message",
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
    std::vector<std::size_t> weak;  // recipients whose diagnostic says nothing of an error yet
    auto is_weak = [&](std::size_t k) {
      for (std::size_t w : weak)
        if (w == k) return true;
      return false;
    };
    for (std::size_t i = 0; i < lines.size() && report.recipients.size() < limits::kMaxRecipients; ++i) {
      std::string_view line = trim(lines[i]);
      if (line.find('@') == std::string_view::npos) continue;
      if (istarts_with(line, "from:") || istarts_with(line, "mail from:") || istarts_with(line, "reply-to:") ||
          istarts_with(line, "sender:") || istarts_with(line, "return-path:") || istarts_with(line, "cc:") ||
          istarts_with(line, "message-id:") || istarts_with(line, "in-reply-to:") || istarts_with(line, "references:"))
        continue;  // a quoted header of the original, not a failed recipient
      for (const auto& addr : find_addresses(line)) {
        if (excluded(addr)) continue;
        // The line less the address, and the text after the address alone; both with
        // the continuation lines (an SMTP transcript's ">>>"/"<<<" lines continue it
        // even when they name the sender).
        std::string own = strip_label(without_address(line, addr));
        std::string after;
        std::string_view lead_part;
        if (std::size_t p = ifind(line, addr); p != std::string_view::npos) {
          after = std::string(strip_lead(line.substr(p + addr.size())));
          lead_part = line.substr(0, p);
        }
        for (std::size_t j = i + 1; j < lines.size() && j < i + 6; ++j) {
          std::string_view n = trim(lines[j]);
          if (n.empty() || (!find_addresses(n).empty() && !transcript_line(n))) break;
          own.append(" ").append(n);
          after.append(" ").append(n);
        }
        own = squeeze_spaces(own);
        after = squeeze_spaces(after);
        std::string diag = own;
        bool lacks = weak_text(diag);
        if ((lacks || boilerplate(lead_part)) && !weak_text(after)) {
          // "The following recipients failed: user@example.org. Reason: ..." - the
          // lead-in before the address is boilerplate; the error follows it.
          diag = after;
          lacks = false;
        }
        bool from_lead = false;
        if (lacks) {
          std::string joined = join_lines(error_lines);
          if (!joined.empty()) diag = joined;
          else if (own.empty()) {
            // A bare list item ("  * user@example.org"): the line that introduces the
            // list says what happened ("Delivery to the following recipients was
            // aborted after 5 hours:"); details may follow further down.
            std::string lead(lead_in(lines, i));
            if (!lead.empty()) diag = lead;
            from_lead = true;
          }
        }
        RecipientFacts r;
        r.recipient = addr;
        r.diagnostic = diag.substr(0, limits::kMaxDiagnostic);
        r.command = command;
        std::size_t before = report.recipients.size();
        RecipientFacts& stored = add_or_merge(report, std::move(r));
        std::size_t index = static_cast<std::size_t>(&stored - report.recipients.data());
        if (report.recipients.size() > before) {
          ++added;
          if (from_lead || !error_words(stored.diagnostic)) weak.push_back(index);
        } else if (is_weak(index) && !own.empty() && stored.diagnostic.find(own) == std::string::npos &&
                   stored.diagnostic.size() + own.size() < limits::kMaxDiagnostic) {
          // The address comes again with more detail ("Technical details: ... for
          // user@example.org"): add it to what was said so far.
          stored.diagnostic.append(stored.diagnostic.empty() ? "" : " ").append(own);
        }
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
