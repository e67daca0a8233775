// classifier.h - decides reason and class per recipient: rules first, then the
// built-in status code table, then fallbacks.
//
// Precedence (documented in README): provider rules (with remote_mta, reporting_mta
// or domain) before text rules, text rules before code-only rules, ties by file name
// then position in the file; then the built-in RFC 3463 table ("status-code"); then
// fallbacks; else onhold (diagnostic present) or undefined.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "classify/pattern_matcher.h"
#include "classify/rule_loader.h"
#include "report/record.h"


namespace bounced {

class Classifier {
 public:
  // options: how text patterns are matched (Hyperscan or RE2 alone, where the compiled
  // patterns are cached); the results are the same either way.
  explicit Classifier(std::vector<Rule> rules, const MatcherOptions& options = {});
  ~Classifier();
  Classifier(const Classifier&) = delete;
  Classifier& operator=(const Classifier&) = delete;

  // Sets r.reason, r.bounce and r.rule. When explain is given, appends one line per
  // rule that matched, the deciding one first.
  void classify(const Report& report, RecipientFacts& r, std::vector<std::string>* explain = nullptr) const;

  std::size_t rule_count() const { return rules_.size(); }
  // How the text patterns are matched: "re2" or "hyperscan (...)", per case mode.
  std::string engine() const;

 private:
  bool conditions_hold(const Rule& rule, const Report& report, const RecipientFacts& r) const;

  std::vector<Rule> rules_;  // sorted by tier, then load order
  struct PatternSet;
  // A text pattern of a rule found in a diagnostic: surely, or proposed by Hyperscan
  // and still to be confirmed by RE2 (in the rule's case mode's set).
  struct TextHit {
    std::uint32_t rule;
    int pattern;
    bool sure;
  };
  bool text_holds(std::uint32_t rule, const std::vector<TextHit>& hits,
                  const std::string& text) const;
  std::unique_ptr<PatternSet> ci_, cs_;  // text patterns, case-insensitive and sensitive

  // Rules without a text condition, indexed by the literal part of their status (or,
  // without a status condition, reply) patterns, so that a recipient is checked only
  // against rules that can match: the cost per recipient does not grow with the number
  // of code-only rules for other codes.
  struct CodeIndex {
    std::unordered_map<std::string, std::vector<std::uint32_t>> exact;
    std::vector<std::pair<std::string, std::vector<std::uint32_t>>> prefix;  // literal part before a glob
    void add(const std::string& pattern, std::uint32_t rule);
    void lookup(const std::string& value, std::vector<std::uint32_t>& out) const;
  };
  CodeIndex by_status_, by_reply_;
  std::vector<std::uint32_t> unindexed_;  // no text, status or reply condition
};

}  // namespace bounced
