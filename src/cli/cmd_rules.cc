// cmd_rules.cc - `bouncectl rules lint|test`: check rules and try them offline.
#include <iostream>
#include <set>

#include "classify/classifier.h"
#include "classify/rule_loader.h"
#include "cli/commands.h"
#include "common/address.h"
#include "common/paths.h"
#include "report/codes.h"

namespace bounced::cli {

namespace {

int lint(const std::vector<std::string>& args) {
  std::string dir = args.empty() ? default_rules_dir() : args[0];
  RuleSet set = load_rules(dir);
  for (const auto& e : set.errors) std::cerr << dir << "/" << e << "\n";
  if (!set.errors.empty()) {
    std::cerr << set.errors.size() << " error(s) in " << dir << "\n";
    return 1;
  }
  std::cout << dir << ": " << set.rules.size() << " rules in " << set.files << " files, no errors\n";
  MatcherOptions options;
  options.cache_dir = default_cache_dir();
  Classifier c(std::move(set.rules), options);
  std::cout << "text patterns: " << c.engine() << "\n";
  return 0;
}

int test(const std::vector<std::string>& args) {
  std::string dir;
  Report report;
  RecipientFacts r;
  r.action = "failed";
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string { return i + 1 < args.size() ? args[++i] : std::string(); };
    if (a == "--rules") dir = value();
    else if (a == "--status") r.status = value();
    else if (a == "--reply") r.reply_code = value();
    else if (a == "--action") r.action = value();
    else if (a == "--remote-mta") r.remote_mta = value();
    else if (a == "--reporting-mta") report.reporting_mta = value();
    else if (a == "--recipient") r.recipient = normalize_address(value());
    else if (a == "--command") r.command = value();
    else if (a == "--text") r.diagnostic = value();
    else {
      std::cerr << "bouncectl rules test: unknown option '" << a << "'\n";
      return kExitUsage;
    }
  }
  if (r.status.empty()) r.status = find_status_code(r.diagnostic);
  if (r.reply_code.empty()) r.reply_code = find_reply_code(r.diagnostic);
  if (dir.empty()) dir = default_rules_dir();
  RuleSet set = load_rules(dir);
  for (const auto& e : set.errors) std::cerr << dir << "/" << e << "\n";
  if (!set.errors.empty()) return kExitConfig;
  MatcherOptions options;
  options.cache_dir = default_cache_dir();
  Classifier c(std::move(set.rules), options);
  std::vector<std::string> why;
  c.classify(report, r, &why);
  std::cout << "reason: " << r.reason << "\nclass:  " << r.bounce << "\nrule:   " << r.rule
            << "\nstatus: " << r.status << "\nreply:  " << r.reply_code << "\n";
  for (const auto& line : why) std::cout << "  " << line << "\n";
  return 0;
}

}  // namespace

int cmd_rules(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << "usage: bouncectl rules lint [DIR] | rules test [OPTIONS] --text TEXT\n";
    return kExitUsage;
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "lint") return lint(rest);
  if (args[0] == "test") return test(rest);
  std::cerr << "bouncectl rules: unknown subcommand '" << args[0] << "'\n";
  return kExitUsage;
}

}  // namespace bounced::cli
