// exim.cc - Exim's bounce and delay messages (and MTAs that copy their layout:
// MXLogic, Mail.ru, cPanel hosts):
//
//   This message was created automatically by mail delivery software.
//
//   A message that you sent could not be delivered to one or more of its
//   recipients. This is a permanent error. The following address(es) failed:
//
//     user@example.org
//       host mx.example.org [192.0.2.1]
//       SMTP error from remote mail server after RCPT TO:<user@example.org>:
//       550 5.1.1 <user@example.org>: Recipient address rejected: User unknown
//
//   ------ This is a copy of the message, including all the headers. ------
//
// A delay warning ("has not yet been delivered ... after more than 24 hours") is read
// the same way; the parser's warning-only check makes its recipients delayed.
// X-Failed-Recipients names the failed addresses too.
#include <string>

#include "common/address.h"
#include "common/limits.h"
#include "common/strutil.h"
#include "common/literal_set.h"
#include "formats/reader.h"
#include "formats/text_scan.h"
#include "report/command.h"

namespace bounced {
namespace {

constexpr std::string_view kStarts[] = {
    "The following address(es) failed",
    "could not be delivered to one or more",
    "has not yet been delivered to one or more",
    "The following address failed",
    "The following addresses failed",
};
constexpr std::string_view kEnds[] = {
    "------ This is a copy of the message",
    "------ The body of the message",
    "------ This is a copy of your message",
    "Included is a copy of the message header",
    "--- The header of the original message",
    "-- The following text",
    "Reporting-MTA:",
    "For further assistance",
};

std::size_t indent_of(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i;
}

// The address that opens a recipient block ("user@example.org", "<user@example.org>:
// text", "user@example.org <user@example.org>"), else empty. rest gets the text after it.
std::string block_address(std::string_view t, std::string& rest) {
  std::string_view s = t;
  std::size_t end = s.find_first_of(" \t:");
  std::string_view first = s.substr(0, end);
  if (first.find('@') == std::string_view::npos) return {};
  std::string addr = normalize_address(first);
  if (addr.empty()) return {};
  rest = end == std::string_view::npos ? std::string() : std::string(trim(s.substr(end + 1)));
  if (rest.starts_with("<") && rest.find('>') != std::string::npos && rest.find('@') < rest.find('>'))
    rest = std::string(trim(std::string_view(rest).substr(rest.find('>') + 1)));
  return addr;
}

class EximReader final : public FormatReader {
  // Exim's notice for recipient addresses it could not parse (subject "Mail failure -
  // malformed recipient address"): one indented "<address as written>: <error>" line
  // per refused address, the address text possibly holding more than one address
  // ("a@example.com <b@example.net>"): the line names one entry, its first address.
  static bool read_malformed(std::string_view subject, std::string_view body, Report& report) {
    // Exim's subject for this notice is fixed; only then is the body searched.
    if (!icontains(subject, "malformed recipient address")) return false;
    // "...contained one or more recipient addresses that were\nincorrectly constructed:"
    const std::size_t at = ifind(body, "incorrectly constructed:");
    if (at == std::string_view::npos || !icontains(body.substr(0, at), "recipient address")) return false;
    const std::size_t before = report.recipients.size();
    bool started = false;
    for (std::string_view line : split_lines(body.substr(at))) {
      std::string_view t = trim(line);
      if (t.empty()) {
        if (started) break;
        continue;
      }
      if (line.front() != ' ' && line.front() != '\t') {
        if (started) break;
        continue;  // the sentence that introduces the list
      }
      started = true;
      const auto addrs = find_addresses(t);
      if (addrs.empty() || report.recipients.size() >= limits::kMaxRecipients) continue;
      RecipientFacts r;
      r.recipient = addrs.front();
      r.diagnostic = std::string(t.substr(0, limits::kMaxDiagnostic));
      add_or_merge(report, std::move(r));
    }
    return report.recipients.size() > before;
  }

 public:
  std::string_view name() const override { return "exim"; }
  int order() const override { return 200; }

  bool read(const ReaderInput& in, Report& report) const override {
    std::string_view body(in.body);
    if (read_malformed(in.subject, body, report)) return true;
    bool exim = icontains(body, "This message was created automatically by mail delivery software") ||
                in.msg.headers.has("X-Failed-Recipients");
    if (!exim) return false;
    static const LiteralSet starts({std::begin(kStarts), std::end(kStarts)});
    static const LiteralSet ends({std::begin(kEnds), std::end(kEnds)});
    const std::size_t start = starts.earliest(body);
    if (start == std::string_view::npos) return false;
    const std::size_t end_at = ends.earliest(body.substr(start));
    const std::size_t end = end_at == std::string_view::npos ? body.size() : start + end_at;
    std::string_view region = body.substr(start, end - start);
    std::vector<std::string_view> lines = split_lines(region);

    std::size_t before = report.recipients.size();
    RecipientFacts* cur = nullptr;
    std::size_t cur_indent = 0;
    std::string diag;
    auto close = [&] {
      if (!cur) return;
      std::string d = squeeze_spaces(diag);
      if (!d.empty() && (cur->diagnostic.empty() || in.has_dsn)) cur->diagnostic = d.substr(0, limits::kMaxDiagnostic);
      if (cur->command.empty()) cur->command = command_in_text(d);
      if (cur->remote_mta.empty()) cur->remote_mta = find_remote_host(d);
      cur = nullptr;
      diag.clear();
    };
    for (std::size_t i = 1; i < lines.size(); ++i) {  // line 0 is the start sentence
      std::string_view line = lines[i];
      std::string_view t = trim(line);
      if (t.empty()) {
        if (cur && !diag.empty()) close();
        continue;
      }
      std::size_t ind = indent_of(line);
      std::string rest;
      std::string addr = (!cur || ind <= cur_indent) ? block_address(t, rest) : std::string();
      if (!addr.empty() && !is_mailer_address(addr)) {
        close();
        if (in.has_dsn) {
          for (auto& r : report.recipients)
            if (iequals(r.recipient, addr)) cur = &r;
          if (!cur) continue;
        } else {
          RecipientFacts r;
          r.recipient = addr;
          cur = &add_or_merge(report, std::move(r));
        }
        cur_indent = ind;
        diag = rest;
        continue;
      }
      if (cur) {
        if (!diag.empty()) diag.push_back(' ');
        diag.append(t);
      }
    }
    close();
    if (!in.has_dsn && report.recipients.size() == before) {
      // Only X-Failed-Recipients: the text has no per-address block we could read.
      for (auto v : in.msg.headers.get_all("X-Failed-Recipients"))
        for (const auto& a : find_addresses(v)) {
          RecipientFacts r;
          r.recipient = a;
          r.diagnostic = squeeze_spaces(region.substr(0, 600));
          add_or_merge(report, std::move(r));
        }
    }
    return in.has_dsn || report.recipients.size() > before;
  }
};

}  // namespace

BOUNCED_REGISTER_READER(EximReader)

}  // namespace bounced
