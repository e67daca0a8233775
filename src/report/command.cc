// command.cc - the SMTP command an error answered, from MTA phrases and transcripts.
#include "report/command.h"

#include <optional>
#include <vector>

#include "common/literal_set.h"
#include "common/strutil.h"

namespace bounced {

namespace {

std::string normalize_command(std::string_view word) {
  std::string w = to_lower(trim(word));
  if (w.starts_with("rcpt")) return "RCPT";
  if (w.starts_with("mail")) return "MAIL";
  if (w.starts_with("data") || w.starts_with("end of data") || w == "body") return "DATA";
  if (w.starts_with("ehlo") || w.starts_with("helo")) return "HELO";
  if (w.starts_with("starttls")) return "STARTTLS";
  if (w.starts_with("auth")) return "AUTH";
  return {};
}

struct Exchange {
  std::string command;
  std::string reply;
};

// ">>> COMMAND" / "<<< reply" pairs of a Sendmail or Courier session transcript.
std::vector<Exchange> transcript(std::string_view body) {
  std::vector<Exchange> out;
  std::string last;
  for (std::string_view line : split_lines(body)) {
    std::string_view t = trim(line);
    if (t.starts_with(">>> ")) {
      last = normalize_command(t.substr(4));
    } else if (t.starts_with("<<< ") && t.size() > 5 && (t[4] == '4' || t[4] == '5')) {
      out.push_back({last, std::string(t.substr(4))});
    }
  }
  return out;
}

}  // namespace

std::string command_in_text(std::string_view text) {
  // Listed from the most specific; the first listed phrase found decides.
  static const std::pair<std::string_view, std::string_view> phrases[] = {
      {"in reply to end of data", "DATA"},
      {"in reply to data", "DATA"},
      {"after end of data", "DATA"},
      {"after data", "DATA"},
      {"in reply to rcpt", "RCPT"},
      {"after rcpt", "RCPT"},
      {"in reply to mail from", "MAIL"},
      {"in reply to mail", "MAIL"},
      {"after mail from", "MAIL"},
      {"in reply to ehlo", "HELO"},
      {"in reply to helo", "HELO"},
      {"after ehlo", "HELO"},
      {"after helo", "HELO"},
      {"after initial connection", "CONN"},
      {"in reply to starttls", "STARTTLS"},
  };
  static const LiteralSet set([] {
    std::vector<std::string_view> v;
    for (auto [p, c] : phrases) v.push_back(p);
    return v;
  }());
  const int i = set.first_listed(text);
  return i < 0 ? std::string() : std::string(phrases[i].second);
}

void assign_commands(std::string_view body, Report& report) {
  bool missing = false;
  for (const auto& r : report.recipients)
    if (r.command.empty()) missing = true;
  if (!missing) return;
  // The SMTP transcript, read when a recipient needs it (most diagnostics name the
  // command themselves).
  std::optional<std::vector<Exchange>> transcript_read;
  auto session_of = [&]() -> const std::vector<Exchange>& {
    if (!transcript_read) transcript_read = transcript(body);
    return *transcript_read;
  };
  for (auto& r : report.recipients) {
    if (!r.command.empty()) continue;
    r.command = command_in_text(r.diagnostic);
    if (!r.command.empty()) continue;
    // The paragraph of the text part that names this recipient.
    if (!r.recipient.empty()) {
      std::size_t at = ifind(body, r.recipient);
      if (at != std::string_view::npos) {
        std::size_t end = body.find("\n\n", at);
        std::string_view para = body.substr(at, end == std::string_view::npos ? std::min<std::size_t>(800, body.size() - at) : end - at);
        r.command = command_in_text(para);
        if (!r.command.empty()) continue;
      }
    }
    // The transcript reply that carries this recipient or its diagnostic.
    const std::vector<Exchange>& session = session_of();
    for (const auto& ex : session) {
      if (ex.command.empty()) continue;
      std::string_view reply = trim(ex.reply);
      bool names_rcpt = !r.recipient.empty() && icontains(reply, r.recipient);
      bool same_text = !r.diagnostic.empty() && reply.size() >= 8 &&
                       (icontains(r.diagnostic, reply) || icontains(reply, r.diagnostic));
      if (names_rcpt || same_text) {
        r.command = ex.command;
        break;
      }
    }
    if (r.command.empty() && session.size() == 1 && report.recipients.size() == 1)
      r.command = session.front().command;
  }
}

}  // namespace bounced
