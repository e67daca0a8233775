// fuzz_message.cc - the whole reading path: MIME walk, report fields, format readers,
// classification with the shipped rules.
#include <cstdint>
#include <string_view>

#include "classify/classifier.h"
#include "classify/rule_loader.h"
#include "common/paths.h"
#include "parse/output.h"
#include "parse/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static bounced::Classifier* classifier = [] {
    auto set = bounced::load_rules(bounced::default_rules_dir());
    return new bounced::Classifier(std::move(set.rules));
  }();
  bounced::ParseOptions opt;
  opt.classifier = classifier;
  opt.explain = true;
  auto res = bounced::parse_message(std::string_view(reinterpret_cast<const char*>(data), size), opt);
  for (const auto& r : res.report.recipients) (void)bounced::recipient_json("fuzz", res.report, r);
  return 0;
}
