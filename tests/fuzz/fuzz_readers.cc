// fuzz_readers.cc - every format reader on every input, whether or not an earlier
// reader claimed it (the parser stops at the first).
#include <cstdint>
#include <string_view>

#include "common/address.h"
#include "formats/reader.h"
#include "formats/text_scan.h"
#include "mime/message.h"
#include "report/dsn.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  bounced::Message msg = bounced::read_message(raw);
  bounced::ReaderInput in{msg, msg.body_text(), msg.headers.decoded("From"), msg.headers.decoded("Subject"), false, {}};
  in.no_original = bounced::cut_original(in.body);
  for (const auto& reader : bounced::readers()) {
    bounced::Report report;
    (void)reader->read(in, report);
    bounced::Report with_dsn;
    if (const auto* ds = msg.find("message/delivery-status"); ds && bounced::parse_delivery_status(ds->text, with_dsn) > 0) {
      bounced::ReaderInput in2 = in;
      in2.has_dsn = true;
      (void)reader->read(in2, with_dsn);
    }
  }
  return 0;
}
