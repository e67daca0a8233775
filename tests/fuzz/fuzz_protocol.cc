// fuzz_protocol.cc - the socket request line parser and the socketmap netstrings.
#include <cstdint>
#include <string>
#include <string_view>

#include "server/protocol.h"
#include "server/socketmap.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)bounced::parse_request(in, 64u << 20);
  std::string payload;
  std::string_view rest = in;
  for (int i = 0; i < 64; ++i) {
    long used = bounced::parse_netstring(rest, payload, 100000);
    if (used <= 0) break;
    rest.remove_prefix(static_cast<std::size_t>(used));
  }
  return 0;
}
