// cmd_parse.cc - `bouncectl parse`: reads messages offline, prints JSON lines.
#include <iostream>

#include "classify/classifier.h"
#include "classify/rule_loader.h"
#include "cli/commands.h"
#include "common/paths.h"
#include "ingest/sources.h"
#include "parse/output.h"
#include "parse/parser.h"

namespace bounced::cli {

int cmd_parse(const std::vector<std::string>& args) {
  bool explain = false;
  std::string rules_dir;
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--explain") explain = true;
    else if (a == "--rules" && i + 1 < args.size()) rules_dir = args[++i];
    else if (a.starts_with("--rules=")) rules_dir = a.substr(8);
    else if (a == "--") {
      paths.insert(paths.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      break;
    } else if (a.size() > 1 && a[0] == '-') {
      std::cerr << "bouncectl parse: unknown option '" << a << "'\n";
      return kExitUsage;
    } else {
      paths.push_back(a);
    }
  }
  if (paths.empty()) {
    std::cerr << "usage: bouncectl parse [--explain] [--rules DIR] PATH...\n";
    return kExitUsage;
  }
  if (rules_dir.empty()) rules_dir = default_rules_dir();
  RuleSet set = load_rules(rules_dir);
  if (!set.errors.empty()) {
    for (const auto& e : set.errors) std::cerr << "bouncectl: " << rules_dir << "/" << e << "\n";
    return kExitConfig;
  }
  Classifier classifier(std::move(set.rules));
  ParseOptions options;
  options.classifier = &classifier;
  options.explain = explain;

  int status = 0;
  for (const auto& path : paths) {
    std::string error;
    bool ok = for_each_message(path, [&](const std::string& label, std::string_view bytes) {
      ParseResult res = parse_message(bytes, options);
      for (const auto& w : res.warnings) std::cerr << "bouncectl: " << label << ": " << w << "\n";
      for (std::size_t i = 0; i < res.report.recipients.size(); ++i) {
        const std::vector<std::string>* why =
            explain && i < res.explain.size() ? &res.explain[i] : nullptr;
        std::cout << recipient_json(label, res.report, res.report.recipients[i], why) << "\n";
      }
    }, error);
    if (!ok) {
      std::cerr << "bouncectl: cannot read " << error << "\n";
      status = kExitNoInput;
    }
  }
  std::cout.flush();
  return status;
}

}  // namespace bounced::cli
