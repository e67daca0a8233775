// protocol.h - the line protocol of the bounced socket (documented in README).
//
// A request is one line: a verb and arguments separated by spaces, ending in LF.
// INGEST carries a length and is followed by exactly that many bytes of message.
// Every reply is one line: "OK <json>" or "ERR <kind> <text>".
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace bounced {

enum class Verb { kIngest, kStatus, kActivity, kUnsuppress, kHistory, kExport, kStats, kReload, kPing, kInvalid };

enum class Role { kIngest, kQuery, kAdmin };

struct Request {
  Verb verb = Verb::kInvalid;
  std::vector<std::string> args;  // addresses, or the state for EXPORT
  std::size_t length = 0;         // INGEST: bytes that follow
  std::string error;              // kInvalid: what is wrong
};

inline constexpr std::size_t kMaxRequestLine = 64 * 1024;
inline constexpr std::size_t kMaxAddressesPerRequest = 1000;

// Parses one request line (without the LF). Never throws.
Request parse_request(std::string_view line, std::size_t max_message_bytes);

// The role a verb needs.
Role role_of(Verb v);

std::string ok_reply(std::string json);
std::string err_reply(std::string_view kind, std::string_view text);

}  // namespace bounced
