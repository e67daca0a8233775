// fuzz_rules.cc - the rule-file loader (TOML and RE2 checks) and a classifier built
// from whatever loaded.
#include <cstdint>
#include <string>

#include "classify/classifier.h"
#include "classify/rule_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;
  bounced::RuleSet set;
  bounced::load_rules_text(std::string(reinterpret_cast<const char*>(data), size), "fuzz.toml", set);
  bounced::Classifier c(std::move(set.rules));
  bounced::Report report;
  bounced::RecipientFacts r;
  r.recipient = "a@example.org";
  r.status = "5.1.1";
  r.diagnostic = "550 5.1.1 user unknown";
  c.classify(report, r);
  return 0;
}
