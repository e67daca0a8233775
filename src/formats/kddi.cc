// kddi.cc - au by KDDI (au one net, dion.ne.jp, ezweb.ne.jp) error notices. The
// notice may come with any Subject ("Mail", a Japanese one) from a no-reply
// sender; its English part has a fixed layout:
//
//   Your mail sent on: Thu, 29 Apr 2025 11:04:47 +0900
//        Could not be delivered to: <user@example.org>
//        As their mailbox is full.
//
// ("Your mail attempted to be delivered on:" in some versions.) Each "Could not be
// delivered to:" line starts a recipient; the indented lines after it, up to a blank
// line or the next recipient, are its diagnostic.
#include <string>

#include "common/address.h"
#include "common/limits.h"
#include "common/strutil.h"
#include "formats/reader.h"
#include "formats/text_scan.h"

namespace bounced {
namespace {

constexpr std::string_view kRecipientLead = "Could not be delivered to:";

class KddiReader final : public FormatReader {
 public:
  std::string_view name() const override { return "kddi"; }
  int order() const override { return 280; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (in.has_dsn) return false;
    std::string_view region = in.no_original;
    std::size_t start = std::string_view::npos;
    for (std::string_view lead : {"Your mail sent on:", "Your mail attempted to be delivered on:"}) {
      std::size_t p = ifind(region, lead);
      // At the start of a line.
      while (p != std::string_view::npos && p > 0 && region[p - 1] != '\n') p = ifind(region, lead, p + 1);
      if (p != std::string_view::npos) start = std::min(start, p);
    }
    if (start == std::string_view::npos) return false;
    std::size_t before = report.recipients.size();
    RecipientFacts* cur = nullptr;
    std::string diag;
    auto close = [&] {
      if (cur && cur->diagnostic.empty()) cur->diagnostic = squeeze_spaces(diag).substr(0, limits::kMaxDiagnostic);
      cur = nullptr;
      diag.clear();
    };
    for (std::string_view line : split_lines(region.substr(start))) {
      std::string_view t = trim(line);
      if (t.empty()) {
        close();
        continue;
      }
      if (istarts_with(t, kRecipientLead)) {
        close();
        std::string addr = first_address(t.substr(kRecipientLead.size()));
        if (addr.empty() || is_mailer_address(addr)) continue;
        RecipientFacts r;
        r.recipient = addr;
        std::size_t n = report.recipients.size();
        cur = &add_or_merge(report, std::move(r));
        if (report.recipients.size() == n && !cur->diagnostic.empty()) cur = nullptr;
        continue;
      }
      // The reason lines are indented under the recipient.
      if (cur && line.front() != ' ' && line.front() != '\t') {
        close();
        continue;
      }
      if (cur && diag.size() < limits::kMaxDiagnostic) diag.append(diag.empty() ? "" : " ").append(t);
    }
    close();
    return report.recipients.size() > before;
  }
};

}  // namespace

BOUNCED_REGISTER_READER(KddiReader)

}  // namespace bounced
