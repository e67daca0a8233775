// rule_loader.h - reads a rules directory of TOML files into rules, with checks.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "classify/rule.h"

namespace bounced {

struct RuleSet {
  std::vector<Rule> rules;
  std::vector<std::string> errors;  // "file:line: what is wrong"
  std::size_t files = 0;
  bool operator==(const RuleSet&) const = default;
};

// Loads every *.toml file of dir in file-name order. Problems (syntax, unknown keys,
// unknown reasons or classes, duplicate ids, regexes RE2 refuses) go to errors;
// rules with errors are left out.
RuleSet load_rules(const std::string& dir);

// The same, the result kept in cache_dir (when not empty) and read back while the
// files' names and bytes and the running program and its libraries are the same
// (blob_cache's build_identity): parsing and checking the shipped rules costs about
// half of a one-message run's start-up.
RuleSet load_rules(const std::string& dir, const std::string& cache_dir);

// A rule set as bytes and back (the cache's format); nothing when the bytes are not
// one whole rule set.
std::string encode_rule_set(const RuleSet& set);
std::optional<RuleSet> decode_rule_set(std::string_view bytes);

// Loads one file's text (for tests and fuzzing); name is used in messages.
void load_rules_text(const std::string& text, const std::string& name, RuleSet& out);

}  // namespace bounced
