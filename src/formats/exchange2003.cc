// exchange2003.cc - Microsoft Exchange 2000/2003 non-delivery reports (text part):
//
//   Your message
//
//     To:      user@example.org
//     Subject: ...
//
//   did not reach the following recipient(s):
//
//   user@example.org on 4/29/2010 11:23:45 PM
//       The e-mail account does not exist at the organization this message was sent to.
//       <mx.example.org #5.1.1>
//
// The MSEXCH:IMS / MSEXCH:IMC lines carry Exchange's own error codes, e.g. 000C05A6
// (unknown recipient).
#include <string>

#include "common/address.h"
#include "common/limits.h"
#include "common/strutil.h"
#include "formats/reader.h"
#include "formats/text_scan.h"

namespace bounced {
namespace {

class Exchange2003Reader final : public FormatReader {
 public:
  std::string_view name() const override { return "exchange2003"; }
  int order() const override { return 260; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (in.has_dsn) return false;
    std::string_view body(in.body);
    std::size_t start = ifind(body, "did not reach the following recipient(s):");
    if (start == std::string_view::npos) return false;
    std::size_t nl = body.find('\n', start);
    if (nl == std::string_view::npos) return false;
    std::string_view region = cut_original(body.substr(nl + 1));
    std::size_t before = report.recipients.size();
    RecipientFacts* cur = nullptr;
    std::string diag;
    auto close = [&] {
      if (cur && cur->diagnostic.empty()) cur->diagnostic = squeeze_spaces(diag).substr(0, limits::kMaxDiagnostic);
      diag.clear();
    };
    for (std::string_view line : split_lines(region)) {
      std::string_view t = trim(line);
      if (t.empty()) continue;
      if (ifind(t, "did not reach the following recipient") != std::string_view::npos) continue;
      bool indented = line.front() == ' ' || line.front() == '\t';
      if (!indented && t.find('@') != std::string_view::npos && ifind(t, " on ") != std::string_view::npos) {
        close();
        RecipientFacts r;
        r.recipient = normalize_address(t.substr(0, t.find(' ')));
        if (r.recipient.empty()) continue;
        cur = &add_or_merge(report, std::move(r));
        continue;
      }
      if (cur) {
        if (!diag.empty()) diag.push_back(' ');
        diag.append(t);
      }
    }
    close();
    return report.recipients.size() > before;
  }
};

}  // namespace

BOUNCED_REGISTER_READER(Exchange2003Reader)

}  // namespace bounced
