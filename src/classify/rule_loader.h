// rule_loader.h - reads a rules directory of TOML files into rules, with checks.
#pragma once
#include <string>
#include <vector>

#include "classify/rule.h"

namespace bounced {

struct RuleSet {
  std::vector<Rule> rules;
  std::vector<std::string> errors;  // "file:line: what is wrong"
  std::size_t files = 0;
};

// Loads every *.toml file of dir in file-name order. Problems (syntax, unknown keys,
// unknown reasons or classes, duplicate ids, regexes RE2 refuses) go to errors;
// rules with errors are left out.
RuleSet load_rules(const std::string& dir);

// Loads one file's text (for tests and fuzzing); name is used in messages.
void load_rules_text(const std::string& text, const std::string& name, RuleSet& out);

}  // namespace bounced
