// cmd_parse.cc - `bouncectl parse`: reads messages offline, prints JSON lines.
//
// Several paths are parsed on all cores (--jobs N to choose), in chunks whose output
// is printed in the order of the paths, so the output does not depend on the number
// of threads.
#include <algorithm>
#include <atomic>
#include <exception>
#include <iostream>
#include <thread>

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
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  std::string rules_dir;
  MatcherOptions matcher;
  matcher.cache_dir = default_cache_dir();
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--explain") explain = true;
    else if (a == "--rules" && i + 1 < args.size()) rules_dir = args[++i];
    else if (a.starts_with("--rules=")) rules_dir = a.substr(8);
    else if (a == "--cache" && i + 1 < args.size()) matcher.cache_dir = args[++i];
    else if (a == "--no-cache") matcher.cache_dir.clear();
    else if (a == "--jobs" && i + 1 < args.size()) jobs = static_cast<unsigned>(std::clamp(std::atoi(args[++i].c_str()), 1, 256));
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
    std::cerr << "usage: bouncectl parse [--explain] [--rules DIR] [--jobs N] [--cache DIR | --no-cache] PATH...\n";
    return kExitUsage;
  }
  if (rules_dir.empty()) rules_dir = default_rules_dir();
  RuleSet set = load_rules(rules_dir);
  if (!set.errors.empty()) {
    for (const auto& e : set.errors) std::cerr << "bouncectl: " << rules_dir << "/" << e << "\n";
    return kExitConfig;
  }
  Classifier classifier(std::move(set.rules), matcher);
  ParseOptions options;
  options.classifier = &classifier;
  options.explain = explain;

  // One path: its messages, as JSON lines on out and warnings on err.
  auto run_one = [&](const std::string& path, std::string& out, std::string& err) -> bool {
    std::string error;
    bool ok = for_each_message(path, [&](const std::string& label, std::string_view bytes) {
      ParseResult res;
      try {
        res = parse_message(bytes, options);
      } catch (const std::exception& e) {
        // A reader bug must not end the run: name the message and go on with the rest.
        err += "bouncectl: " + label + ": parser failed (" + e.what() + "); message skipped\n";
        return;
      }
      for (const auto& w : res.warnings) err += "bouncectl: " + label + ": " + w + "\n";
      for (std::size_t i = 0; i < res.report.recipients.size(); ++i) {
        const std::vector<std::string>* why =
            explain && i < res.explain.size() ? &res.explain[i] : nullptr;
        out += recipient_json(label, res.report, res.report.recipients[i], why);
        out += '\n';
      }
    }, error);
    if (!ok) err += "bouncectl: cannot read " + error + "\n";
    return ok;
  };

  int status = 0;
  const std::size_t chunk = 512;
  struct Result {
    std::string out, err;
    bool ok = true;
  };
  std::vector<Result> results;
  for (std::size_t begin = 0; begin < paths.size(); begin += chunk) {
    const std::size_t end = std::min(paths.size(), begin + chunk);
    results.assign(end - begin, Result{});
    std::atomic<std::size_t> next{begin};
    auto work = [&] {
      for (std::size_t i; (i = next.fetch_add(1)) < end;)
        results[i - begin].ok = run_one(paths[i], results[i - begin].out, results[i - begin].err);
    };
    const unsigned n = static_cast<unsigned>(std::min<std::size_t>(jobs, end - begin));
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < n; ++t) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
    for (const auto& r : results) {
      std::cout << r.out;
      if (!r.err.empty()) std::cerr << r.err;
      if (!r.ok) status = kExitNoInput;
    }
  }
  std::cout.flush();
  return status;
}

}  // namespace bounced::cli
