// fuzz_rules.cc - the rule-file loader (TOML and RE2 checks), a classifier built from
// whatever loaded, and a differential check of the pattern engines: Hyperscan's
// candidates confirmed by RE2 must give exactly the RE2::Set's answers.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "classify/classifier.h"
#include "classify/pattern_matcher.h"
#include "classify/rule_loader.h"

namespace {

std::vector<int> matches(const bounced::PatternMatcher& m, std::string_view text) {
  std::vector<int> out;
  m.match(text, out);
  std::sort(out.begin(), out.end());
  return out;
}

void compare_engines(const std::vector<bounced::Rule>& rules, std::string_view input) {
  for (bool case_sensitive : {false, true}) {
    std::vector<std::string> patterns;
    for (const auto& r : rules)
      if (r.case_sensitive == case_sensitive)
        patterns.insert(patterns.end(), r.text.begin(), r.text.end());
    if (patterns.empty()) continue;
    bounced::MatcherOptions exact_options, fast_options;
    exact_options.hyperscan = false;
    fast_options.hyperscan_texts = 0;
    const bounced::PatternMatcher exact(patterns, case_sensitive, exact_options);
    const bounced::PatternMatcher fast(patterns, case_sensitive, fast_options);
    const std::string_view texts[] = {"550 5.1.1 user unknown",
                                      "caf\xc3\xa9 a\xc3\xa9"
                                      "b \xe2\x84\xaa \xc5\xbf",
                                      "x\n", "\xff\xfe\xc3", input.substr(0, 512)};
    for (std::string_view t : texts)
      if (matches(exact, t) != matches(fast, t)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string input(reinterpret_cast<const char*>(data), size);
  bounced::RuleSet set;
  bounced::load_rules_text(input, "fuzz.toml", set);
  compare_engines(set.rules, input);
  bounced::Classifier c(std::move(set.rules));
  bounced::Report report;
  bounced::RecipientFacts r;
  r.recipient = "a@example.org";
  r.status = "5.1.1";
  r.diagnostic = "550 5.1.1 user unknown";
  c.classify(report, r);
  return 0;
}
