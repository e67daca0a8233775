// embedded_dsn.cc - an RFC 3464 report whose MIME structure could not be followed
// (a boundary in the header that the body does not use, a missing boundary
// parameter): the message reads as one text, in which the delivery-status part still
// stands as "Content-Type: message/delivery-status", a blank line and its fields.
// Reads those fields as the delivery-status part they are.
#include <string>

#include "common/strutil.h"
#include "formats/reader.h"
#include "report/dsn.h"

namespace bounced {
namespace {

class EmbeddedDsnReader : public FormatReader {
 public:
  std::string_view name() const override { return "rfc3464"; }
  int order() const override { return 15; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (in.has_dsn) return false;
    std::string_view body = in.body;
    std::size_t p = 0;
    while ((p = ifind(body, "message/delivery-status", p)) != std::string_view::npos ||
           (p = ifind(body, "message/global-delivery-status", 0)) != std::string_view::npos) {
      // Only as the value of a Content-Type line.
      std::size_t bol = body.rfind('\n', p);
      bol = bol == std::string_view::npos ? 0 : bol + 1;
      std::string_view head = trim(body.substr(bol, p - bol));
      if (!iequals(head, "Content-Type:")) {
        p += 1;
        if (p >= body.size()) break;
        continue;
      }
      std::size_t blank = body.find("\n\n", p);
      if (blank == std::string_view::npos) return false;
      std::size_t start = blank + 2;
      std::size_t end = body.find("\n--", start);
      if (end == std::string_view::npos) end = body.size();
      Report tmp;
      if (parse_delivery_status(body.substr(start, end - start), tmp) == 0) return false;
      if (report.reporting_mta.empty()) report.reporting_mta = tmp.reporting_mta;
      if (report.arrival_date.empty()) report.arrival_date = tmp.arrival_date;
      for (auto& r : tmp.recipients) report.recipients.push_back(std::move(r));
      return true;
    }
    return false;
  }
};

}  // namespace
}  // namespace bounced

using bounced::EmbeddedDsnReader;
BOUNCED_REGISTER_READER(EmbeddedDsnReader)
