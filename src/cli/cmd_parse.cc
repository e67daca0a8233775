// cmd_parse.cc - `bouncectl parse`: reads messages offline, prints JSON lines.
//
// Several paths are parsed on all cores (--jobs N to choose); the output is printed
// in the order of the paths, so it does not depend on the number of threads.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <iostream>
#include <thread>

#include "classify/classifier.h"
#include "classify/rule_loader.h"
#include "cli/commands.h"
#include "common/literal_set.h"
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
    std::cerr << "usage: bouncectl parse [--explain] [--rules DIR] [--jobs N] [--cache DIR | "
                 "--no-cache] PATH...\n";
    return kExitUsage;
  }
  if (rules_dir.empty()) rules_dir = default_rules_dir();
  set_literal_cache_dir(matcher.cache_dir);  // the readers' phrase sets, kept beside the patterns
  RuleSet set = load_rules(rules_dir, matcher.cache_dir);
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

  // Workers take batches of paths in turn and leave each batch's output in a ring of
  // slots; this thread prints the slots in path order as they fill, so the output
  // does not depend on the number of threads, memory stays bounded (a worker waits
  // while its slot is still unprinted), and nobody waits at a barrier. Batches keep
  // the hand-offs (and their wake-ups) to one per 16 paths.
  constexpr std::size_t kBatch = 16;
  struct Slot {
    std::string out, err;
    bool ok = true;
    std::atomic<std::uint32_t> full{0};
  };
  const std::size_t batches = (paths.size() + kBatch - 1) / kBatch;
  const std::size_t ring = std::max<std::size_t>(8, std::size_t{4} * jobs);
  std::vector<Slot> slots(ring);
  std::atomic<std::size_t> next{0}, printed{0};  // batches taken, and printed
  auto work = [&] {
    for (std::size_t b; (b = next.fetch_add(1)) < batches;) {
      for (std::size_t p = printed.load(); b >= p + ring; p = printed.load()) printed.wait(p);
      Slot& s = slots[b % ring];
      for (std::size_t i = b * kBatch; i < std::min(paths.size(), (b + 1) * kBatch); ++i)
        if (!run_one(paths[i], s.out, s.err)) s.ok = false;
      s.full.store(1);
      s.full.notify_one();
    }
  };
  const unsigned n = static_cast<unsigned>(std::min<std::size_t>(jobs, batches));
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < n; ++t) threads.emplace_back(work);
  int status = 0;
  for (std::size_t b = 0; b < batches; ++b) {
    Slot& s = slots[b % ring];
    s.full.wait(0);
    std::cout << s.out;
    if (!s.err.empty()) std::cerr << s.err;
    if (!s.ok) status = kExitNoInput;
    s.out.clear();
    s.err.clear();
    s.ok = true;
    s.full.store(0);
    printed.store(b + 1);
    printed.notify_all();
  }
  for (auto& t : threads) t.join();
  std::cout.flush();
  return status;
}

}  // namespace bounced::cli
