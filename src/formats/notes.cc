// notes.cc - Lotus Notes / HCL Domino SMTP MTA failure notices:
//
//   ------- Failure Reasons  --------
//
//   User not listed in public Name & Address Book
//   user@example.org
//
//   ------- Returned Message --------
//
// The reason lines come first, then the address; Japanese installations write the
// reason in ISO-2022-JP.
#include <string>

#include "common/address.h"
#include "common/limits.h"
#include "common/strutil.h"
#include "formats/reader.h"
#include "formats/text_scan.h"

namespace bounced {
namespace {

class NotesReader final : public FormatReader {
 public:
  std::string_view name() const override { return "notes"; }
  int order() const override { return 220; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (in.has_dsn) return false;
    std::string_view body(in.body);
    std::size_t p = ifind(body, "------- Failure Reasons");
    if (p == std::string_view::npos) return false;
    std::size_t nl = body.find('\n', p);
    if (nl == std::string_view::npos) return false;
    std::size_t end = ifind(body, "------- Returned Message", nl);
    std::string_view region = body.substr(nl + 1, end == std::string_view::npos ? std::string_view::npos : end - nl - 1);
    std::string reason;
    std::size_t before = report.recipients.size();
    for (std::string_view line : split_lines(region)) {
      std::string_view t = trim(line);
      if (t.empty()) continue;
      std::string addr = t.find('@') != std::string_view::npos ? normalize_address(t) : std::string();
      if (addr.empty()) {
        if (!reason.empty()) reason.push_back(' ');
        reason.append(t);
        continue;
      }
      RecipientFacts r;
      r.recipient = addr;
      r.diagnostic = squeeze_spaces(reason).substr(0, limits::kMaxDiagnostic);
      add_or_merge(report, std::move(r));
      reason.clear();
    }
    return report.recipients.size() > before;
  }
};

}  // namespace

BOUNCED_REGISTER_READER(NotesReader)

}  // namespace bounced
