// parser.h - one returned message in, per-recipient facts and decisions out.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "report/record.h"

namespace bounced {

class Classifier;

struct ParseOptions {
  const Classifier* classifier = nullptr;  // required
  std::string verp_prefix = "bounces";     // VERP local-part prefix
  char verp_delimiter = '+';
  bool explain = false;
};

struct ParseResult {
  Report report;                       // kind kNone: not a delivery report
  std::vector<std::vector<std::string>> explain;  // per recipient, when asked
  std::vector<std::string> warnings;   // limits hit while reading
};

ParseResult parse_message(std::string_view raw, const ParseOptions& options);

}  // namespace bounced
