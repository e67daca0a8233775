// rule.h - one operator rule: conditions that must all hold, and an outcome.
#pragma once
#include <string>
#include <vector>

namespace bounced {

struct Rule {
  std::string file;     // file name under the rules directory
  int line = 0;         // line of the [[rule]] table
  std::string id;
  std::string comment;
  // Conditions; an empty list means "any".
  std::vector<std::string> status;       // "5.1.1", "5.7.*", "4.*"
  std::vector<std::string> reply;        // "550", "55*"
  std::vector<std::string> action;       // failed, delayed, ...
  std::vector<std::string> remote_mta;   // host globs; a plain name also matches subdomains
  std::vector<std::string> reporting_mta;
  std::vector<std::string> domain;       // recipient domain globs
  std::vector<std::string> command;      // RCPT, DATA, MAIL, HELO, ...
  std::vector<std::string> text;         // RE2 patterns over the diagnostic; any may match
  bool case_sensitive = false;
  // Outcome.
  std::string reason;
  std::string klass;  // empty: the reason's default
  // Derived: 0 provider-specific, 1 text evidence, 2 codes only.
  int tier = 0;
  std::size_t order = 0;  // load order, file by file

  std::string name() const { return file + ":" + id; }
  // (A field added here is also written and read by encode_rule_set/decode_rule_set:
  // the rule cache's round-trip test compares whole rules.)
  bool operator==(const Rule&) const = default;
};

}  // namespace bounced
