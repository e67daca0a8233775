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
    for (std::string_view needle : {std::string_view("message/delivery-status"),
                                    std::string_view("message/global-delivery-status")}) {
      for (std::size_t p = ifind(body, needle); p != std::string_view::npos;
           p = ifind(body, needle, p + needle.size())) {
        // Only as the value of a Content-Type line.
        std::size_t bol = p == 0 ? std::string_view::npos : body.rfind('\n', p - 1);
        bol = bol == std::string_view::npos ? 0 : bol + 1;
        if (!iequals(trim(body.substr(bol, p - bol)), "Content-Type:")) continue;
        std::size_t blank = body.find("\n\n", p);
        if (blank == std::string_view::npos) return false;
        std::size_t start = blank + 2;
        std::size_t end = body.find("\n--", start);
        if (end == std::string_view::npos) end = body.size();
        Report tmp;
        if (parse_delivery_status(body.substr(start, end - start), tmp) == 0) continue;
        if (report.reporting_mta.empty()) report.reporting_mta = tmp.reporting_mta;
        if (report.arrival_date.empty()) report.arrival_date = tmp.arrival_date;
        for (auto& r : tmp.recipients) report.recipients.push_back(std::move(r));
        return true;
      }
    }
    return false;
  }
};

// The same fields with no MIME structure left at all (a report flattened by a relay
// or an archive): "Final-Recipient:" at the start of a line, with "Action:" or
// "Status:" in the same block. Tried after the MTA-specific text readers.
class FlatDsnReader : public FormatReader {
 public:
  std::string_view name() const override { return "rfc3464"; }
  int order() const override { return 480; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (in.has_dsn) return false;
    std::string_view body = in.body;
    std::size_t fr = std::string_view::npos;
    for (std::size_t p = ifind(body, "Final-Recipient:"); p != std::string_view::npos;
         p = ifind(body, "Final-Recipient:", p + 16)) {
      if (p == 0 || body[p - 1] == '\n') {
        fr = p;
        break;
      }
    }
    if (fr == std::string_view::npos) return false;
    // Start at the per-message block when it comes right before.
    std::size_t start = fr;
    std::size_t rm = body.rfind("Reporting-MTA:", fr);
    if (rm != std::string_view::npos && (rm == 0 || body[rm - 1] == '\n') && fr - rm < 2000) start = rm;
    Report tmp;
    if (parse_delivery_status(body.substr(start), tmp) == 0) return false;
    bool fielded = false;
    for (const auto& r : tmp.recipients) fielded = fielded || !r.action.empty() || !r.status.empty();
    if (!fielded) return false;
    if (report.reporting_mta.empty()) report.reporting_mta = tmp.reporting_mta;
    if (report.arrival_date.empty()) report.arrival_date = tmp.arrival_date;
    for (auto& r : tmp.recipients) report.recipients.push_back(std::move(r));
    return true;
  }
};

}  // namespace
}  // namespace bounced

using bounced::EmbeddedDsnReader;
using bounced::FlatDsnReader;
BOUNCED_REGISTER_READER(EmbeddedDsnReader)
BOUNCED_REGISTER_READER(FlatDsnReader)
