// bench_main.cc - bounced_bench: throughput figures, run by hand (never by the tests).
//
//   bounced_bench parse DIR [--threads N] [--json]   parse+classify every message under DIR
//   bounced_bench large [--json]                     1 MB, 15 MB and 50 MB bounces
//   bounced_bench rules DIR [--json]                 classification with the shipped rules
//                                                    and with 10x as many (generated) rules
//   bounced_bench fill|ingest|query ...              store and socket figures (daemon_bench.cc)
#include <cctype>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#include "classify/classifier.h"
#include "classify/rule_loader.h"
#include "common/literal_set.h"
#include "common/paths.h"
#include "ingest/sources.h"
#include "machine.h"
#include "mime/message.h"
#include "parse/parser.h"
#include "report/record.h"

using namespace bounced;
using bounced::bench::bench_json;
using bounced::bench::machine_line;
using bounced::bench::num;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<std::string> load_dir(const std::string& dir) {
  std::vector<std::string> msgs;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file() && (e.path().extension() == ".eml" || e.path().extension().empty()))
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::string data, err;
    if (read_file(f.string(), data, err, 64u << 20)) msgs.push_back(std::move(data));
  }
  return msgs;
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// How the rules' text patterns are matched: as in bouncectl and the daemon (Hyperscan
// when built in, its compiled database kept in the default cache, then RE2 once warm
// enough to repay it), RE2 alone with --re2, or Hyperscan to the end with --hyperscan.
MatcherOptions g_matcher;

std::unique_ptr<Classifier> shipped(std::size_t& count) {
  RuleSet set = load_rules(default_rules_dir(), g_matcher.cache_dir);
  count = set.rules.size();
  return std::make_unique<Classifier>(std::move(set.rules), g_matcher);
}

// A copy of a message as a new bounce of the same kind would read: other recipients
// (the letters of every address's local part rotated) and other ids (the digits inside
// alphanumeric tokens of 6+ characters: queue ids, message ids, host names, encoded
// text), so that no cache of texts seen before can help.
std::string freshen(std::string m, int round) {
  for (std::size_t at = m.find('@'); at != std::string::npos; at = m.find('@', at + 1))
    for (std::size_t k = at; k > 0 && (std::isalnum(static_cast<unsigned char>(m[k - 1])) || m[k - 1] == '.' ||
                                      m[k - 1] == '-' || m[k - 1] == '_');
         --k) {
      char& c = m[k - 1];
      if (c >= 'a' && c <= 'z') c = static_cast<char>('a' + (c - 'a' + round * 5 + k) % 26);
    }
  std::size_t i = 0;
  while (i < m.size()) {
    if (!std::isalnum(static_cast<unsigned char>(m[i]))) {
      ++i;
      continue;
    }
    std::size_t j = i;
    bool digit = false;
    while (j < m.size() && std::isalnum(static_cast<unsigned char>(m[j]))) digit |= std::isdigit(static_cast<unsigned char>(m[j++])) != 0;
    if (digit && j - i >= 6)
      for (std::size_t k = i; k < j; ++k)
        if (std::isdigit(static_cast<unsigned char>(m[k]))) m[k] = static_cast<char>('0' + (m[k] - '0' + round * 7 + k) % 10);
    i = j;
  }
  return m;
}

int bench_parse(const std::string& dir, int threads, bool json, bool fresh) {
  auto msgs = load_dir(dir);
  if (msgs.empty()) {
    std::cerr << "no messages under " << dir << "\n";
    return 1;
  }
  std::size_t nrules = 0;
  auto classifier = shipped(nrules);
  std::size_t bytes = 0;
  for (const auto& m : msgs) bytes += m.size();
  const int rounds = std::max<int>(1, static_cast<int>(20000 / msgs.size()));
  // --fresh: every round (the warm-up included) reads its own altered copies.
  std::vector<std::vector<std::string>> copies;
  if (fresh)
    for (int r = 0; r < 3 * rounds; ++r) {
      copies.emplace_back();
      for (const auto& m : msgs) copies.back().push_back(freshen(m, r + 1));
    }
  // Reads the messages `rounds` times (with --fresh, the altered copies of passes from `first` on).
  auto run = [&](int nthreads, int first) {
    auto t0 = Clock::now();
    std::vector<std::thread> ts;
    for (int t = 0; t < nthreads; ++t) {
      ts.emplace_back([&, t] {
        ParseOptions opt;
        opt.classifier = classifier.get();
        std::size_t rows = 0;
        for (int r = 0; r < rounds; ++r)
          for (std::size_t i = static_cast<std::size_t>(t); i < msgs.size(); i += static_cast<std::size_t>(nthreads))
            rows += parse_message(fresh ? copies[static_cast<std::size_t>(first + r)][i] : msgs[i], opt)
                        .report.recipients.size();
        if (rows == 0) std::cerr << "";
      });
    }
    for (auto& t : ts) t.join();
    return seconds_since(t0);
  };
  run(1, 0);  // warm up
  // A long backlog is read by the RE2::Set once the matcher has handed over to it
  // (MatcherOptions::hyperscan_texts): warm up past that, as the rules bench does, so
  // that the figures are a long backlog's (with --fresh the warm-up rereads its copies).
  if (g_matcher.hyperscan && g_matcher.hyperscan_texts > 0) {
    const std::size_t per_run = msgs.size() * static_cast<std::size_t>(rounds);
    for (std::size_t done = per_run; done < 2 * g_matcher.hyperscan_texts; done += per_run)
      run(1, 0);
  }
  double s1 = run(1, rounds);
  double sn = run(threads, 2 * rounds);
  double n = static_cast<double>(msgs.size()) * rounds;
  double mb = static_cast<double>(bytes) * rounds / 1e6;
  if (json) {
    JsonObject o = bench_json("parse");
    o.add_raw("fresh", fresh ? "true" : "false")
        .add_raw("messages", std::to_string(msgs.size()))
        .add_raw("passes", std::to_string(rounds))
        .add_raw("rules", std::to_string(nrules))
        .add_raw("msgs_per_s_1core", num(n / s1))
        .add_raw("mb_per_s_1core", num(mb / s1))
        .add_raw("threads", std::to_string(threads))
        .add_raw("msgs_per_s_all", num(n / sn))
        .add_raw("mb_per_s_all", num(mb / sn));
    std::cout << std::move(o).str() << "\n";
  } else {
    std::cout << machine_line() << "\n";
    std::cout << "parse+classify " << msgs.size() << " messages x" << rounds << " (" << nrules << " rules"
              << (fresh ? ", every pass on freshly altered copies" : "") << ")\n"
              << "  1 core:    " << static_cast<long>(n / s1) << " msg/s, " << mb / s1 << " MB/s\n"
              << "  " << threads << " threads: " << static_cast<long>(n / sn) << " msg/s, " << mb / sn << " MB/s\n";
  }
  return 0;
}

std::string big_bounce(std::size_t size) {
  std::string m =
      "From: MAILER-DAEMON@mx.example.net\nTo: bounces@example.com\nSubject: Undelivered Mail Returned to Sender\n"
      "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"BB\"\n\n"
      "--BB\nContent-Type: text/plain\n\nThe message could not be delivered.\n\n"
      "--BB\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
      "Final-Recipient: rfc822; big@example.org\nAction: failed\nStatus: 5.2.2\n"
      "Diagnostic-Code: smtp; 552 5.2.2 mailbox full\n\n"
      "--BB\nContent-Type: message/rfc822\n\nFrom: news@example.com\nMessage-ID: <big@example.com>\n"
      "Subject: attachment\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"CC\"\n\n"
      "--CC\nContent-Type: text/plain\n\nsee attached\n--CC\nContent-Type: application/octet-stream\n"
      "Content-Transfer-Encoding: base64\n\n";
  std::string line(76, 'A');
  line += "\n";
  while (m.size() < size) m += line;
  m += "--CC--\n--BB--\n";
  return m;
}

int bench_large(bool json) {
  std::size_t nrules = 0;
  auto classifier = shipped(nrules);
  ParseOptions opt;
  opt.classifier = classifier.get();
  if (!json) std::cout << machine_line() << "\n";
  for (std::size_t mb : {1, 15, 50}) {
    std::string m = big_bounce(mb << 20);
    auto t0 = Clock::now();
    auto res = parse_message(m, opt);
    double s = seconds_since(t0);
    if (json) {
      JsonObject o = bench_json("large");
      o.add_raw("mb", std::to_string(mb))
          .add_raw("bytes", std::to_string(m.size()))
          .add_raw("seconds", num(s))
          .add_raw("rows", std::to_string(res.report.recipients.size()));
      std::cout << std::move(o).str() << "\n";
    } else
      std::cout << "  " << mb << " MB bounce: " << s * 1000 << " ms (" << res.report.recipients.size() << " row)\n";
  }
  return 0;
}

// Rule-count scaling: the shipped rules, then 10x as many (the originals plus
// generated variants with distinct literal phrases), timed on the same diagnostics.
int bench_rules(const std::string& dir, bool json) {
  auto msgs = load_dir(dir);
  RuleSet base = load_rules(default_rules_dir());
  std::vector<RecipientFacts> facts;
  Report report;
  {
    Classifier c(base.rules, g_matcher);
    ParseOptions opt;
    opt.classifier = &c;
    for (const auto& m : msgs) {
      auto res = parse_message(m, opt);
      for (auto& r : res.report.recipients) facts.push_back(r);
    }
  }
  std::vector<Rule> big = base.rules;
  const std::size_t n0 = base.rules.size();
  for (std::size_t k = 1; k < 10; ++k) {
    for (std::size_t i = 0; i < n0; ++i) {
      Rule r = base.rules[i];
      r.id += "-gen" + std::to_string(k);
      for (auto& t : r.text) t = "generated" + std::to_string(k) + "x" + std::to_string(i) + " " + t;
      r.order = big.size();
      big.push_back(std::move(r));
    }
  }
  auto time_with = [&](std::vector<Rule> rules) {
    Classifier c(std::move(rules), g_matcher);
    const int rounds = std::max<int>(1, static_cast<int>(200000 / std::max<std::size_t>(1, facts.size())));
    auto copy = facts;
    // Warm up: past the hand-over from Hyperscan to the RE2::Set, and one pass after
    // it, so that the figure is the steady state.
    const std::size_t warm =
        copy.size() + (g_matcher.hyperscan ? 2 * static_cast<std::size_t>(g_matcher.hyperscan_texts) : 0);
    for (std::size_t i = 0; i < warm && !copy.empty(); ++i) c.classify(report, copy[i % copy.size()]);
    auto t0 = Clock::now();
    for (int r = 0; r < rounds; ++r)
      for (auto& f : copy) c.classify(report, f);
    return seconds_since(t0) / (static_cast<double>(rounds) * static_cast<double>(copy.size())) * 1e6;
  };
  double us1 = time_with(base.rules);
  double us10 = time_with(big);
  if (json) {
    JsonObject o = bench_json("rules");
    o.add_raw("recipients", std::to_string(facts.size()))
        .add_raw("rules", std::to_string(n0))
        .add_raw("us_per_recipient", num(us1))
        .add_raw("rules_x10", std::to_string(big.size()))
        .add_raw("us_per_recipient_x10", num(us10));
    std::cout << std::move(o).str() << "\n";
  } else {
    std::cout << machine_line() << "\n";
    std::cout << "classify " << facts.size() << " recipients\n"
              << "  " << n0 << " rules:  " << us1 << " us per recipient\n"
              << "  " << big.size() << " rules: " << us10 << " us per recipient (" << us10 / us1 << "x)\n";
  }
  return 0;
}

}  // namespace

int bench_fill(const std::string& db, std::uint64_t n, bool json);
int bench_ingest(const std::string& sock, int clients, int count, int domains, bool json);
int bench_query(const std::string& sock, int clients, double seconds, std::uint64_t n, int batch,
                bool one_thread, double rate, bool json);

int main(int argc, char** argv) {
  std::vector<std::string> a(argv + 1, argv + argc);
  bool json = false;
  bool fresh = false;
  bool one_thread = false;
  double rate = 0;
  bool ping = false;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int domains = 1000;  // ingest: the recipients' domains
  std::vector<std::string> rest;
  g_matcher.cache_dir = default_cache_dir();
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == "--json") json = true;
    else if (a[i] == "--fresh") fresh = true;
    else if (a[i] == "--one-thread") one_thread = true;
    else if (a[i] == "--rate" && i + 1 < a.size())
      rate = std::stod(a[++i]);
    else if (a[i] == "--ping")
      ping = true;
    else if (a[i] == "--re2") g_matcher.hyperscan = false;
    else if (a[i] == "--hyperscan") g_matcher.hyperscan_texts = 0;
    else if (a[i] == "--threads" && i + 1 < a.size()) threads = std::stoi(a[++i]);
    else if (a[i] == "--domains" && i + 1 < a.size())
      domains = std::max(1, std::stoi(a[++i]));
    else rest.push_back(a[i]);
  }
  set_literal_cache_dir(g_matcher.cache_dir);
  if (rest.size() >= 2 && rest[0] == "parse") return bench_parse(rest[1], threads, json, fresh);
  if (rest.size() >= 1 && rest[0] == "large") return bench_large(json);
  if (rest.size() >= 2 && rest[0] == "rules") return bench_rules(rest[1], json);
  if (rest.size() == 3 && rest[0] == "fill") return bench_fill(rest[1], std::stoull(rest[2]), json);
  if (rest.size() == 4 && rest[0] == "ingest")
    return bench_ingest(rest[1], std::stoi(rest[2]), std::stoi(rest[3]), domains, json);
  if (rest.size() >= 5 && rest[0] == "query")
    return bench_query(rest[1], std::stoi(rest[2]), std::stod(rest[3]), std::stoull(rest[4]),
                       ping ? 0 : (rest.size() > 5 ? std::max(1, std::stoi(rest[5])) : 1),
                       one_thread, rate, json);
  std::cerr << "usage: bounced_bench parse DIR [--threads N] [--fresh] [--re2 | --hyperscan] "
               "[--json] | large [--json] | rules DIR [--re2 | --hyperscan] [--json]\n"
               "       bounced_bench fill DB N [--json] | ingest SOCKET CLIENTS COUNT [--domains "
               "N] [--json]\n"
               "       bounced_bench query SOCKET CLIENTS SECONDS N [BATCH] [--one-thread | --rate "
               "REQUESTS_PER_S] [--ping] [--json]\n";
  return 64;
}
