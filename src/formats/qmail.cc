// qmail.cc - qmail-send's failure notice and the qmail-like texts of its clones and
// derivatives (netqmail, indimail, vpopmail front ends, Yahoo!-style "Message from
// example.com. Unable to deliver message to the following address(es)."):
//
//   Hi. This is the qmail-send program at mail.example.net.
//   I'm afraid I wasn't able to deliver your message to the following addresses.
//   This is a permanent error; I've given up. Sorry it didn't work out.
//
//   <user@example.org>:
//   192.0.2.1 does not like recipient.
//   Remote host said: 550 5.1.1 <user@example.org>... User unknown
//   Giving up on 192.0.2.1.
//
//   --- Below this line is a copy of the message.
#include <string>

#include "common/address.h"
#include "common/strutil.h"
#include "formats/provider_util.h"
#include "common/literal_set.h"
#include "formats/reader.h"
#include "formats/text_scan.h"

namespace bounced {
namespace {

constexpr std::string_view kStarts[] = {
    "This is the qmail-send program",
    "I'm afraid I wasn't able to deliver your message to the following addresses",
    "Unable to deliver message to the following address(es)",
    "Your mail message to the following address(es) could not be delivered",
    "I was not able to deliver your message to the following addresses",
};
constexpr std::string_view kEnds[] = {
    "--- Below this line is a copy of the message",
    "--- Enclosed is a copy of the message",
    "--- Enclosed are the original headers",
    "--- Original message follows",
    "--- Below this line is the original message",
};

std::size_t find_start(std::string_view body) {
  static const LiteralSet starts({std::begin(kStarts), std::end(kStarts)});
  return starts.earliest(body);
}

// "<user@example.org>:" (or without the brackets in a few clones).
std::string recipient_line(std::string_view t) {
  if (t.size() < 5 || t.back() != ':') return {};
  std::string_view a = t.substr(0, t.size() - 1);
  if (a.front() == '<' && a.back() == '>') return normalize_address(a);
  if (a.find(' ') == std::string_view::npos && a.find('@') != std::string_view::npos)
    return normalize_address(a);
  return {};
}

// The host named in qmail's sentences about the remote side.
std::string qmail_host(std::string_view t) {
  auto token = [](std::string_view s) {
    std::size_t e = 0;
    while (e < s.size() && s[e] != ' ' && s[e] != ',') ++e;
    std::string_view h = s.substr(0, e);
    while (!h.empty() && h.back() == '.') h.remove_suffix(1);
    return std::string(h);
  };
  if (istarts_with(t, "Connected to ")) return token(t.substr(13));
  if (istarts_with(t, "Giving up on ")) return token(t.substr(13));
  if (icontains(t, " does not like recipient") || icontains(t, " failed after I sent the message") ||
      icontains(t, " does not like ") || icontains(t, " failed on DATA command") ||
      icontains(t, " didn't understand my "))
    return token(t);
  return {};
}

std::string qmail_command(std::string_view d) {
  if (icontains(d, "does not like recipient")) return "RCPT";
  if (icontains(d, "sender was rejected")) return "MAIL";
  if (icontains(d, "failed after I sent the message") || icontains(d, "failed on DATA command"))
    return "DATA";
  if (icontains(d, "didn't understand my HELO") || icontains(d, "my HELO")) return "HELO";
  if (icontains(d, "greeting")) return "CONN";
  return guess_command(d);
}

class QmailReader : public FormatReader {
 public:
  std::string_view name() const override { return "qmail"; }
  int order() const override { return 300; }

  bool read(const ReaderInput& in, Report& report) const override {
    std::string_view body = in.body;
    std::size_t start = find_start(body);
    if (start == std::string_view::npos) return false;
    bool qmail_send = icontains(body, "qmail-send program");
    if (!qmail_send && !looks_like_bounce(in.from, in.subject)) return false;
    std::string_view region = body.substr(start);
    static const LiteralSet ends({std::begin(kEnds), std::end(kEnds)});
    region = region.substr(0, std::min(region.size(), ends.earliest(region)));

    std::vector<RecipientFacts> found;
    std::vector<std::string_view> lines;
    std::string host;
    auto close = [&] {
      if (found.empty()) return;
      RecipientFacts& r = found.back();
      if (r.diagnostic.empty()) {
        r.diagnostic = join_reply_lines(lines);
        r.remote_mta = host;
        r.command = qmail_command(r.diagnostic);
      }
      lines.clear();
      host.clear();
    };
    for (std::string_view line : region_lines(region)) {
      std::string_view t = trim(line);
      std::string a = recipient_line(t);
      if (!a.empty()) {
        close();
        if (found.size() >= 10000) break;
        RecipientFacts r;
        r.recipient = a;
        found.push_back(std::move(r));
        continue;
      }
      if (found.empty()) continue;
      if (t.empty()) {
        if (!lines.empty()) close();
        continue;
      }
      if (!found.back().diagnostic.empty()) continue;
      if (host.empty()) host = qmail_host(t);
      if (istarts_with(t, "Giving up on ")) continue;
      if (istarts_with(t, "Remote host said:")) t = trim(t.substr(17));
      if (!t.empty() && t.front() == '/') t.remove_prefix(1);  // "/I'm not going to try again"
      lines.push_back(t);
    }
    close();
    if (found.empty()) return false;
    if (in.has_dsn) {
      // Only fill what the delivery-status part lacks.
      for (auto& r : found) add_or_merge(report, std::move(r));
      return true;
    }
    for (auto& r : found) {
      // The host names qmail gives are often bare addresses; keep them as written.
      add_or_merge(report, std::move(r));
    }
    return true;
  }
};

}  // namespace
}  // namespace bounced

using bounced::QmailReader;
BOUNCED_REGISTER_READER(QmailReader)
