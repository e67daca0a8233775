// protocol.cc - request line parsing and reply formatting.
#include "server/protocol.h"

#include <span>

#include "common/address.h"
#include "common/strutil.h"

namespace bounced {

Request parse_request(std::string_view line, std::size_t max_message_bytes) {
  Request req;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > kMaxRequestLine) {
    req.error = "request line too long";
    return req;
  }
  std::vector<std::string_view> words;
  words.reserve(4);
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    std::size_t b = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > b) words.push_back(line.substr(b, i - b));
  }
  if (words.empty()) {
    req.error = "empty request";
    return req;
  }
  std::string verb = to_lower(words[0]);
  const std::span<const std::string_view> rest =
      std::span<const std::string_view>(words).subspan(1);
  auto need_addresses = [&](Verb v, std::size_t min, std::size_t max) {
    if (rest.size() < min || rest.size() > max) {
      req.error = verb + ": expected " + (min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max)) + " address(es)";
      return;
    }
    req.args.reserve(rest.size());
    for (auto w : rest) {
      std::string a = normalize_address(w);
      if (a.empty()) {
        req.error = verb + ": not an address: " + std::string(w.substr(0, 200));
        return;
      }
      req.args.push_back(std::move(a));
    }
    req.verb = v;
  };
  if (verb == "ingest") {
    if (rest.size() != 1 || rest[0].empty() || rest[0].size() > 12 ||
        rest[0].find_first_not_of("0123456789") != std::string_view::npos) {
      req.error = "ingest: expected the message length in bytes";
      return req;
    }
    req.length = std::stoull(std::string(rest[0]));
    if (req.length == 0 || req.length > max_message_bytes) {
      req.error = "ingest: length must be 1 to " + std::to_string(max_message_bytes) + " bytes";
      return req;
    }
    req.verb = Verb::kIngest;
  } else if (verb == "status") {
    need_addresses(Verb::kStatus, 1, kMaxAddressesPerRequest);
  } else if (verb == "activity") {
    need_addresses(Verb::kActivity, 1, kMaxAddressesPerRequest);
  } else if (verb == "unsuppress") {
    need_addresses(Verb::kUnsuppress, 1, 1);
  } else if (verb == "history") {
    need_addresses(Verb::kHistory, 1, 1);
  } else if (verb == "export") {
    if (rest.size() != 1 || (rest[0] != "hard" && rest[0] != "soft")) {
      req.error = "export: expected hard or soft";
      return req;
    }
    req.args.emplace_back(rest[0]);
    req.verb = Verb::kExport;
  } else if (verb == "stats" && rest.empty()) {
    req.verb = Verb::kStats;
  } else if (verb == "reload" && rest.empty()) {
    req.verb = Verb::kReload;
  } else if (verb == "ping" && rest.empty()) {
    req.verb = Verb::kPing;
  } else {
    req.error = "unknown request '" + std::string(words[0].substr(0, 40)) + "'";
  }
  return req;
}

Role role_of(Verb v) {
  switch (v) {
    case Verb::kIngest: return Role::kIngest;
    case Verb::kUnsuppress:
    case Verb::kReload: return Role::kAdmin;
    default: return Role::kQuery;
  }
}

std::string ok_reply(std::string json) {
  json.insert(0, "OK ");
  json.push_back('\n');
  return json;
}

std::string err_reply(std::string_view kind, std::string_view text) {
  std::string t(text);
  for (char& c : t)
    if (c == '\n' || c == '\r') c = ' ';
  return "ERR " + std::string(kind) + " " + t + "\n";
}

}  // namespace bounced
