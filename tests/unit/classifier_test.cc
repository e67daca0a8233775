#include "classify/classifier.h"

#include <doctest/doctest.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "classify/rule_loader.h"
#include "temp_dir.h"

using namespace bounced;

namespace {
Classifier make(const std::string& toml) {
  RuleSet set;
  load_rules_text(toml, "t.toml", set);
  REQUIRE(set.errors.empty());
  return Classifier(std::move(set.rules));
}
RecipientFacts facts(std::string status, std::string text, std::string remote = "", std::string command = "") {
  RecipientFacts r;
  r.recipient = "a@example.org";
  r.action = "failed";
  r.status = std::move(status);
  r.diagnostic = std::move(text);
  r.remote_mta = std::move(remote);
  r.command = std::move(command);
  return r;
}
const char* kRules = R"(
[[rule]]
id = "full"
reason = "mailboxfull"
text = 'mailbox full'

[[rule]]
id = "code-only"
reason = "blocked"
status = "5.7.606"

[[rule]]
id = "provider"
reason = "userunknown"
remote_mta = "*.mx.example.net"
status = "5.2.1"

[[rule]]
id = "after-data"
reason = "filtered"
command = "DATA"
status = ["", "5.2.*"]
text = 'user unknown'

[[rule]]
id = "override"
reason = "notaccept"
class = "soft"
text = 'no mail here'
)";
}  // namespace

TEST_CASE("precedence: provider before text before codes before the status table") {
  Classifier c = make(kRules);
  Report rep;
  auto r = facts("5.2.1", "550 5.2.1 mailbox full", "in1.mx.example.net");
  c.classify(rep, r);
  CHECK(r.reason == "userunknown");  // provider rule wins over the text rule
  CHECK(r.rule == "t.toml:provider");
  r = facts("5.1.1", "550 5.1.1 mailbox full");
  c.classify(rep, r);
  CHECK(r.reason == "mailboxfull");  // text evidence beats the status code
  r = facts("5.7.606", "550 5.7.606 access denied, banned sending IP");
  c.classify(rep, r);
  CHECK(r.reason == "blocked");
  r = facts("5.1.1", "550 5.1.1 no such user");
  c.classify(rep, r);
  CHECK(r.reason == "userunknown");
  CHECK(r.rule == "status-code");
  CHECK(r.bounce == "hard");
}

TEST_CASE("command and empty-status conditions") {
  Classifier c = make(kRules);
  Report rep;
  auto r = facts("", "550 user unknown", "", "DATA");
  c.classify(rep, r);
  CHECK(r.reason == "filtered");
  r = facts("5.1.1", "550 5.1.1 user unknown", "", "DATA");
  c.classify(rep, r);
  CHECK(r.reason == "userunknown");  // 5.1.1 is not in the rule's status list
  r = facts("", "550 user unknown", "", "RCPT");
  c.classify(rep, r);
  CHECK(r.reason != "filtered");
}

TEST_CASE("class override, delays and facts") {
  Classifier c = make(kRules);
  Report rep;
  auto r = facts("5.3.2", "550 no mail here");
  c.classify(rep, r);
  CHECK(r.reason == "notaccept");
  CHECK(r.bounce == "soft");  // the rule's class beats the reason's default (hard on 5xx)
  r = facts("4.2.2", "452 4.2.2 mailbox full");
  r.action = "delayed";
  c.classify(rep, r);
  CHECK(r.bounce == "none");  // a delay is never a failure
  r = facts("4.4.7", "421 connection timed out");
  c.classify(rep, r);
  CHECK(r.reason == "expired");
  r = facts("2.0.0", "250 ok");
  r.action = "delivered";
  c.classify(rep, r);
  CHECK(r.reason == "delivered");
  CHECK(r.bounce == "none");
}

TEST_CASE("fallbacks: X.7 security, X-Unix mailer, onhold and undefined") {
  Classifier c = make("");
  Report rep;
  auto r = facts("5.7.99", "");
  c.classify(rep, r);
  CHECK(r.reason == "securityerror");
  r = facts("5.0.0", "something odd");
  c.classify(rep, r);
  CHECK(r.reason == "onhold");
  CHECK(r.bounce == "none");
  r = facts("", "");
  c.classify(rep, r);
  CHECK(r.reason == "undefined");
  // A delay whose code names no cause is expired; a specific delay code keeps its reason.
  r = facts("4.4.0", "");
  r.action = "delayed";
  c.classify(rep, r);
  CHECK(r.reason == "expired");
  CHECK(r.bounce == "none");
  r = facts("4.4.0", "");
  c.classify(rep, r);
  CHECK(r.reason == "networkerror");  // failed, not delayed: the table's reason
  r = facts("4.2.2", "");
  r.action = "delayed";
  c.classify(rep, r);
  CHECK(r.reason == "mailboxfull");
}

TEST_CASE("a temporary code alone never makes a hard bounce; text can") {
  Classifier c = make(R"(
[[rule]]
id = "unknown"
reason = "userunknown"
text = 'user unknown'
)");
  Report rep;
  auto r = facts("4.1.2", "Sorry, I could not look that up (#4.1.2)");
  c.classify(rep, r);
  CHECK(r.reason == "hostunknown");
  CHECK(r.bounce == "soft");
  CHECK(r.rule == "status-code");
  r = facts("5.1.2", "Sorry, I could not look that up (#5.1.2)");
  c.classify(rep, r);
  CHECK(r.bounce == "hard");
  r = facts("4.1.1", "450 4.1.1 User unknown");
  c.classify(rep, r);
  CHECK(r.reason == "userunknown");
  CHECK(r.bounce == "hard");  // the words decide, whatever the code
}

TEST_CASE("code-only rules: exact, glob and reply patterns, and rules with neither") {
  Classifier c = make(R"(
[[rule]]
id = "domain-only"
reason = "suspend"
domain = "frozen.example"

[[rule]]
id = "glob"
reason = "policyviolation"
status = "5.7.*"

[[rule]]
id = "exact"
reason = "blocked"
status = "5.7.606"

[[rule]]
id = "reply-only"
reason = "toomanyconn"
reply = ["421", "45*"]

[[rule]]
id = "no-code"
reason = "rejected"
status = ""
reply = "554"
)");
  Report rep;
  auto r = facts("5.7.606", "");
  c.classify(rep, r);
  CHECK(r.rule == "t.toml:glob");  // both match; file order decides
  r = facts("5.7.1", "");
  c.classify(rep, r);
  CHECK(r.rule == "t.toml:glob");
  r = facts("4.7.1", "");
  c.classify(rep, r);
  CHECK(r.rule == "status-code");  // 5.7.* is no prefix of 4.7.1
  r = facts("", "");
  r.reply_code = "452";
  c.classify(rep, r);
  CHECK(r.rule == "t.toml:reply-only");
  r = facts("", "");
  r.reply_code = "554";
  c.classify(rep, r);
  CHECK(r.rule == "t.toml:no-code");
  r = facts("5.7.606", "");
  r.recipient = "a@frozen.example";
  c.classify(rep, r);
  CHECK(r.rule == "t.toml:domain-only");  // a rule without codes is always a candidate
  std::vector<std::string> explain;
  r = facts("5.7.606", "");
  c.classify(rep, r, &explain);
  REQUIRE(explain.size() == 2);
  CHECK(explain[1].find("t.toml:exact") != std::string::npos);
}

TEST_CASE("negated patterns and retries that ran out") {
  Classifier c = make(R"(
[[rule]]
id = "conn"
reason = "networkerror"
status = ["!*.4.7"]
action = "!expired"
text = 'connection reset'

[[rule]]
id = "disk"
reason = "systemfull"
text = 'insufficient disk space'

[[rule]]
id = "code-4"
reason = "blocked"
status = "4.*"
)");
  Report rep;
  auto r = facts("4.4.2", "lost: connection reset by peer");
  c.classify(rep, r);
  CHECK(r.rule == "t.toml:conn");
  r = facts("4.4.7", "lost: connection reset by peer");
  c.classify(rep, r);
  CHECK(r.reason == "expired");  // the negated status keeps the rule out; codes never decide
  r = facts("4.0.0", "lost: connection reset by peer");
  r.action = "expired";
  c.classify(rep, r);
  CHECK(r.reason == "expired");
  r = facts("4.4.7", "452 4.4.5 Insufficient disk space");
  c.classify(rep, r);
  CHECK(r.reason == "systemfull");  // the last error's text names the cause
  RuleSet bad;
  load_rules_text("[[rule]]\nid = \"x\"\nreason = \"blocked\"\nstatus = \"!5.x\"\n", "bad.toml", bad);
  CHECK(bad.errors.size() == 1);
}

TEST_CASE("loader reports file:line and refuses bad rules") {
  RuleSet set;
  load_rules_text("[[rule]]\nid = \"x\"\nreason = \"nope\"\ntext = \"a\"\n[[rule]]\nid = \"x\"\nreason = \"blocked\"\nstatus = \"5.x\"\n", "bad.toml", set);
  REQUIRE(set.errors.size() >= 2);
  CHECK(set.errors[0].rfind("bad.toml:3:", 0) == 0);
  bool dup = false, pattern = false;
  for (const auto& e : set.errors) {
    if (e.find("duplicate id") != std::string::npos) dup = true;
    if (e.find("bad status pattern") != std::string::npos) pattern = true;
  }
  CHECK(dup);
  CHECK(pattern);
}

TEST_CASE("the loader refuses exactly the patterns RE2 refuses, in either case mode") {
  // The loader parses every pattern case-sensitively (faster); what RE2 accepts must
  // not depend on the case mode, for the shipped patterns and for broken ones.
  std::vector<std::pair<std::string, bool>> patterns = {
      {"(unclosed", false},    {"[z-a]", false},           {"a{1001}", false},
      {"a**", false},          {"\\", false},              {"x\\", false},
      {"\\8", false},          {"\\1", false},             {"a{2,1}", false},
      {"[[:nope:]]", false},   {"(?<=a)b", false},         {"a++", false},
      {"\\Z", false},          {"(?i", false},             {"\xff", false},
      {"((a{10}){10}){11}", false},
      {"\\Qa.b\\E", true},     {"\\x{100}", true},         {"[\\x{100}-\\x{2FF}]", true},
      {"\\p{Greek}", true},    {"\\pN+", true},            {"\\C", true},
      {"(?i)mailbox full", true}, {"(?-i)Mailbox", true},  {"user \\S+ unknown", true},
      {"[^a-z]+\\b", true},    {"(?s).{1,80}", true},      {"\\A550\\z", true},
      {"caf\xc3\xa9", true},   {"[[:^alpha:]]", true},     {"(?P<name>x)", true},
      {"((a{10}){10}){10}", true}, {"[k\xe2\x84\xaa]", true},
  };
  for (const auto& rule : load_rules(std::string(BOUNCED_SOURCE_DIR) + "/rules").rules)
    for (const auto& p : rule.text) patterns.emplace_back(p, true);
  for (bool case_sensitive : {false, true}) {
    for (const auto& [p, expected] : patterns) {
      CAPTURE(p);
      CAPTURE(case_sensitive);
      RE2::Options o;
      o.set_case_sensitive(case_sensitive);
      o.set_log_errors(false);
      RE2::Set re2_set(o, RE2::UNANCHORED);
      CHECK((re2_set.Add(p, nullptr) >= 0) == expected);
      std::string toml = "[[rule]]\nid = \"p\"\nreason = \"blocked\"\ncase_sensitive = ";
      toml += case_sensitive ? "true" : "false";
      toml += "\ntext = [\"";
      for (char c : p) {  // a TOML basic string: backslashes and quotes escaped
        if (c == '\\' || c == '"') toml += '\\';
        toml += c;
      }
      toml += "\"]\n";
      RuleSet set;
      load_rules_text(toml, "p.toml", set);
      CHECK(set.errors.empty() == expected);
    }
  }
}

TEST_CASE("the rule set cache: whole rule sets round-trip, damaged bytes never read as one") {
  RuleSet shipped = load_rules(std::string(BOUNCED_SOURCE_DIR) + "/rules");
  REQUIRE(shipped.rules.size() > 100);
  load_rules_text("[[rule]]\nid = \"x\"\nreason = \"nope\"\ntext = \"a\"\n", "bad.toml", shipped);
  REQUIRE_FALSE(shipped.errors.empty());  // errors are kept too
  const std::string bytes = encode_rule_set(shipped);
  const auto back = decode_rule_set(bytes);
  REQUIRE(back);
  CHECK(*back == shipped);
  // Cut anywhere, or a length made too large: never a rule set, never a crash.
  for (std::size_t n = 0; n < bytes.size(); n += 1 + n / 64)
    CHECK_FALSE(decode_rule_set(bytes.substr(0, n)));
  std::string longer = bytes;
  longer.push_back('\0');
  CHECK_FALSE(decode_rule_set(longer));
  for (std::size_t at : {std::size_t{0}, std::size_t{22}, bytes.size() / 2}) {
    std::string damaged = bytes;
    damaged[at + 3] = '\x7f';  // a 4-byte number's high byte: a huge count or length
    CAPTURE(at);
    const auto read = decode_rule_set(damaged);
    CHECK((!read || *read != shipped));
  }
}

TEST_CASE(
    "the rule set cache: read back while the files are the same, read again when one changes") {
  TempDir rules, cache;
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(rules.path + "/" + name) << text;
  };
  write("10-a.toml",
        "[[rule]]\nid = \"full\"\nreason = \"mailboxfull\"\ntext = \"mailbox is full\"\n");
  write("20-b.toml", "[[rule]]\nid = \"gone\"\nreason = \"userunknown\"\nstatus = \"5.1.1\"\n");
  const RuleSet fresh = load_rules(rules.path);
  REQUIRE(fresh.rules.size() == 2);
  CHECK(load_rules(rules.path, cache.path) == fresh);  // parsed, and kept
  auto cached_files = [&] {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(cache.path))
      n += e.path().filename().string().starts_with("rules-");
    return n;
  };
  REQUIRE(cached_files() == 1);
  CHECK(load_rules(rules.path, cache.path) == fresh);  // read back
  CHECK(cached_files() == 1);
  // One byte changed in one file: another key, the files parsed again.
  write("20-b.toml", "[[rule]]\nid = \"gone\"\nreason = \"userunknown\"\nstatus = \"5.1.2\"\n");
  const RuleSet changed = load_rules(rules.path, cache.path);
  REQUIRE(changed.rules.size() == 2);
  CHECK(changed.rules[1].status == std::vector<std::string>{"5.1.2"});
  CHECK(changed == load_rules(rules.path));
  CHECK(cached_files() == 2);
  // A broken file: the same errors from the cache as from the files.
  write("30-c.toml", "[[rule]]\nid = \"x\"\nreason = \"nope\"\n");
  const RuleSet broken = load_rules(rules.path);
  REQUIRE_FALSE(broken.errors.empty());
  CHECK(load_rules(rules.path, cache.path) == broken);
  CHECK(load_rules(rules.path, cache.path) == broken);
}
