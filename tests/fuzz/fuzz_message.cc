// fuzz_message.cc - the whole reading path: MIME walk, report fields, format readers,
// classification with the shipped rules. Differential too: the message read with the
// top-level header read by read_top_header must be the message mimetic reads whole.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "classify/classifier.h"
#include "classify/rule_loader.h"
#include "common/paths.h"
#include "mime/message.h"
#include "parse/output.h"
#include "parse/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static bounced::Classifier* classifier = [] {
    auto set = bounced::load_rules(bounced::default_rules_dir());
    return new bounced::Classifier(std::move(set.rules));
  }();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (bounced::read_message(input) != bounced::read_message(input, true)) {
    std::fprintf(stderr, "read_message: the top header read differs from mimetic's reading\n");
    std::abort();
  }
  bounced::ParseOptions opt;
  opt.classifier = classifier;
  opt.explain = true;
  auto res = bounced::parse_message(std::string_view(reinterpret_cast<const char*>(data), size), opt);
  for (const auto& r : res.report.recipients) (void)bounced::recipient_json("fuzz", res.report, r);
  return 0;
}
