// reader.h - the interface of a format reader and the registry that orders them.
//
// A format reader recognises one MTA's or provider's way of writing a bounce and
// extracts facts from it: recipients, diagnostic text, remote host, codes. Readers
// never decide reasons; classification does that afterwards.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mime/message.h"
#include "report/record.h"

namespace bounced {

struct ReaderInput {
  const Message& msg;
  std::string body;     // Message::body_text()
  std::string from;     // decoded From of the bounce
  std::string subject;  // decoded Subject of the bounce
  bool has_dsn = false; // a message/delivery-status part was read already
  // body up to the returned original (cut_original(body)), computed once per message
  // for all readers; a view into body.
  std::string_view no_original;
};

class FormatReader {
 public:
  virtual ~FormatReader() = default;
  // The format name shown in the output ("qmail", "exim", ...).
  virtual std::string_view name() const = 0;
  // Readers are tried in ascending order; specific formats before generic ones.
  virtual int order() const { return 100; }
  // When the message is in this reader's format: fills report (recipients at least)
  // and returns true. Otherwise returns false and leaves report as it was.
  // With in.has_dsn, report already holds the RFC 3464 recipients; a reader may then
  // add what the DSN lacks (diagnostics, codes) and claim the format.
  virtual bool read(const ReaderInput& in, Report& report) const = 0;
};

void register_reader(std::unique_ptr<FormatReader> reader);
// All readers, sorted by order() then name().
const std::vector<std::unique_ptr<FormatReader>>& readers();

}  // namespace bounced

#define BOUNCED_REGISTER_READER(Type)                                 \
  namespace {                                                         \
  const bool registered_##Type = [] {                                 \
    ::bounced::register_reader(std::make_unique<Type>());             \
    return true;                                                      \
  }();                                                                \
  }
