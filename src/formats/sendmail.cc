// sendmail.cc - Sendmail's returned mail without a delivery-status part (old versions,
// V5/V8 with DSN off, and look-alikes such as Active!hunter and Post.Office):
//
//      ----- The following addresses had permanent fatal errors -----
//   <user@example.org>
//       (reason: 550 5.1.1 <user@example.org>... User unknown)
//
//      ----- Transcript of session follows -----
//   ... while talking to mx.example.org.:
//   >>> RCPT To:<user@example.org>
//   <<< 550 5.1.1 <user@example.org>... User unknown
//
//      ----- Unsent message follows -----
#include <cctype>
#include <string>
#include <vector>

#include "common/address.h"
#include "common/limits.h"
#include "common/strutil.h"
#include "formats/reader.h"
#include "formats/text_scan.h"
#include "report/command.h"

namespace bounced {
namespace {

class SendmailReader final : public FormatReader {
 public:
  std::string_view name() const override { return "sendmail"; }
  int order() const override { return 240; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (in.has_dsn) return false;
    std::string_view body(in.body);
    std::size_t list = ifind(body, "----- The following addresses had");
    std::size_t transcript = ifind(body, "----- Transcript of session follows -----");
    if (list == std::string_view::npos && transcript == std::string_view::npos) return false;
    std::size_t end = std::string_view::npos;
    for (std::string_view m : {"----- Unsent message follows", "----- Original message follows",
                               "----- Message header follows", "Content-Type: message/rfc822"})
      end = std::min(end, ifind(body, m));
    if (end == std::string_view::npos) end = body.size();
    std::string_view trans = transcript < end ? body.substr(transcript, end - transcript) : std::string_view();
    std::vector<std::string_view> tlines = split_lines(trans);

    std::size_t before = report.recipients.size();
    if (list != std::string_view::npos) {
      std::size_t list_end = std::min(transcript, end);
      std::size_t nl = body.find('\n', list);
      std::string_view block = nl < list_end ? body.substr(nl + 1, list_end - nl - 1) : std::string_view();
      // Free text under a later heading of the block is the cause for the listed
      // recipients (BIGLOBE and other Japanese ISPs: "----- Non-delivered information -----").
      std::string info;
      bool under_heading = false;
      // Sendmail lists the recipients it still retries under "transient non-fatal
      // errors": a delay, not a failure.
      bool transient = icontains(body.substr(list, nl == std::string_view::npos ? 0 : nl - list), "transient");
      for (std::string_view line : split_lines(block)) {
        std::string_view t = trim(line);
        if (t.starts_with("-----")) {
          // "----- The following addresses had transient non-fatal errors -----" is
          // another list; any other heading starts free text.
          under_heading = !icontains(t, "following addresses");
          transient = icontains(t, "transient");
          continue;
        }
        if (under_heading) {
          if (!t.empty() && info.size() < limits::kMaxDiagnostic) info.append(info.empty() ? "" : " ").append(t);
          continue;
        }
        if (t.empty() || t.front() == '(') {
          if (!t.empty() && t.front() == '(' && report.recipients.size() > before) {
            std::string_view reason = t;
            if (istarts_with(reason, "(reason:")) reason.remove_prefix(8);
            while (!reason.empty() && (reason.back() == ')' || reason.back() == ' ')) reason.remove_suffix(1);
            if (report.recipients.back().diagnostic.empty())
              report.recipients.back().diagnostic = squeeze_spaces(reason);
          }
          continue;
        }
        std::string addr = first_address(t);
        if (addr.empty() || is_mailer_address(addr)) continue;
        RecipientFacts r;
        r.recipient = addr;
        if (transient) r.action = "delayed";
        add_or_merge(report, std::move(r));
      }
      if (!info.empty())
        for (std::size_t i = before; i < report.recipients.size(); ++i)
          if (report.recipients[i].diagnostic.empty())
            report.recipients[i].diagnostic = squeeze_spaces(info).substr(0, limits::kMaxDiagnostic);
    }
    if (list == std::string_view::npos) {
      // No list: the recipients are the addresses that the transcript's replies name,
      // less the sender (the bounce's To, the original's From, the MAIL From).
      std::vector<std::string> senders = find_addresses(in.msg.headers.decoded("To"));
      for (const auto& a : find_addresses(in.msg.original_headers.decoded("From"))) senders.push_back(a);
      for (std::string_view line : tlines)
        if (icontains(line, "MAIL From:"))
          for (const auto& a : find_addresses(line)) senders.push_back(a);
      auto is_sender = [&](const std::string& a) {
        for (const auto& x : senders)
          if (iequals(x, a)) return true;
        return false;
      };
      for (std::string_view line : tlines) {
        std::string_view t = trim(line);
        std::string_view reply = t.starts_with("<<< ") ? t.substr(4) : t;
        if (const std::size_t own = t.find(">... ");
            t.starts_with("<") && !t.starts_with("<<<") && own != std::string_view::npos) {
          // Sendmail's own line for a recipient: "<user@example.org>... Deferred:
          // Connection refused by mx.example.org." (delay warnings have no list).
          std::string addr = first_address(t.substr(0, own + 1));
          if (addr.empty() || is_mailer_address(addr) || is_sender(addr)) continue;
          RecipientFacts r;
          r.recipient = addr;
          r.diagnostic = squeeze_spaces(t.substr(own + 5)).substr(0, limits::kMaxDiagnostic);
          add_or_merge(report, std::move(r));
          continue;
        }
        if (reply.size() < 4 || (reply[0] != '4' && reply[0] != '5')) continue;
        for (const auto& a : find_addresses(reply)) {
          if (is_mailer_address(a) || is_sender(a)) continue;
          RecipientFacts r;
          r.recipient = a;
          add_or_merge(report, std::move(r));
        }
      }
    }
    // The transcript, session by session ("... while talking to HOST:"): the reply
    // lines that name each recipient, and the command before. The remote's answer
    // often names no recipient ("<<< 501 ... open relay" to MAIL From, "<<< 550 No such
    // user" to RCPT To); Sendmail's own line that follows it names the recipient that
    // failed with it ("554 <user@example.org>... Remote protocol error"). That answer
    // is the cause: it goes before Sendmail's line, with the command it answered.
    std::string last_cmd;
    std::string last_cmd_addr;  // the address of "RCPT To:<...>", if any
    std::string pending;        // the remote's answer that no recipient took yet
    std::string pending_cmd, pending_addr;
    for (std::string_view line : tlines) {
      std::string_view t = trim(line);
      if (icontains(t, "while talking to ")) {
        last_cmd.clear();
        last_cmd_addr.clear();
        pending.clear();
        continue;
      }
      if (t.starts_with(">>> ")) {
        last_cmd = command_in_text(std::string("in reply to ").append(t.substr(4)));
        last_cmd_addr = last_cmd == "RCPT" ? first_address(t) : std::string();
        pending.clear();
        continue;
      }
      bool remote = t.starts_with("<<< ");
      std::string_view reply = remote ? t.substr(4) : t;
      if (reply.size() < 4 || (reply[0] != '4' && reply[0] != '5')) continue;
      bool named = false;
      for (auto& r : report.recipients) {
        if (!icontains(reply, r.recipient)) continue;
        named = true;
        bool fresh = r.diagnostic.empty();
        if (fresh) r.diagnostic = squeeze_spaces(reply).substr(0, limits::kMaxDiagnostic);
        if (r.command.empty() && remote) r.command = last_cmd;
        if (!remote && fresh && !pending.empty() &&
            (pending_addr.empty() || iequals(pending_addr, r.recipient))) {
          r.diagnostic = squeeze_spaces(pending + " " + r.diagnostic).substr(0, limits::kMaxDiagnostic);
          if (r.command.empty()) r.command = pending_cmd;
        }
      }
      if (remote && !named) {
        if (pending.size() < limits::kMaxDiagnostic) pending.append(pending.empty() ? "" : " ").append(reply);
        pending_cmd = last_cmd;
        pending_addr = last_cmd_addr;
      } else if (named) {
        pending.clear();
      }
    }
    if (report.recipients.size() == before) return false;
    // Replies that name no recipient (connection-level errors) go to all of them.
    std::string general;
    for (std::string_view line : tlines) {
      std::string_view t = trim(line);
      if (t.size() > 4 && (t[0] == '4' || t[0] == '5') && std::isdigit(static_cast<unsigned char>(t[1])) &&
          first_address(t).empty()) {
        general.append(general.empty() ? "" : " ").append(t);
      }
    }
    for (std::size_t i = before; i < report.recipients.size(); ++i)
      if (report.recipients[i].diagnostic.empty()) report.recipients[i].diagnostic = squeeze_spaces(general);
    return true;
  }
};

}  // namespace

BOUNCED_REGISTER_READER(SendmailReader)

}  // namespace bounced
