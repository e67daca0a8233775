// rule_loader.cc - TOML rule files (toml++) into Rule values.
#include "classify/rule_loader.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "classify/reasons.h"
#include "common/strutil.h"

namespace bounced {

namespace {

const std::set<std::string> kKeys = {
    "id",          "comment", "reason", "class",   "status",         "reply",
    "action",      "remote_mta", "reporting_mta", "domain", "command", "text",
    "case_sensitive"};

std::string where(const std::string& file, const toml::source_region& src) {
  return file + ":" + std::to_string(src.begin.line);
}

// The line of key inside table t, or of the table itself when the key is absent.
std::string where_key(const std::string& file, const toml::table& t, std::string_view key) {
  const toml::node* n = t.get(key);
  return where(file, n ? n->source() : t.source());
}

// A string or an array of strings; false with an error when neither.
bool read_list(const toml::table& t, std::string_view key, std::vector<std::string>& out,
               const std::string& file, RuleSet& set) {
  const toml::node* n = t.get(key);
  if (!n) return true;
  if (auto s = n->value<std::string>()) {
    out.push_back(*s);
    return true;
  }
  if (const toml::array* a = n->as_array()) {
    for (const auto& el : *a) {
      auto s = el.value<std::string>();
      if (!s) {
        set.errors.push_back(where(file, el.source()) + ": '" + std::string(key) +
                             "' must hold strings");
        return false;
      }
      out.push_back(*s);
    }
    return true;
  }
  set.errors.push_back(where(file, n->source()) + ": '" + std::string(key) +
                       "' must be a string or an array of strings");
  return false;
}

// A code glob; "" stands for "the report carries no such code".
bool check_code_pattern(std::string p, bool enhanced) {
  if (p.starts_with("!")) p.erase(0, 1);  // "!4.4.7": must not match
  if (p.empty()) return true;
  if (p.size() > 12) return false;
  for (char c : p)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '*' || (enhanced && c == '.'))) return false;
  return true;
}

}  // namespace

void load_rules_text(const std::string& text, const std::string& file, RuleSet& set) {
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    set.errors.push_back(file + ":" + std::to_string(e.source().begin.line) + ": " +
                         std::string(e.description()));
    return;
  }
  for (auto&& [k, v] : root) {
    if (k.str() != "rule")
      set.errors.push_back(where(file, v.source()) + ": unknown top-level key '" +
                           std::string(k.str()) + "' (rules are [[rule]] tables)");
  }
  const toml::array* rules = root["rule"].as_array();
  if (!rules) return;
  std::set<std::string> seen;
  for (const auto& r : set.rules)
    if (r.file == file) seen.insert(r.id);
  for (const auto& node : *rules) {
    const toml::table* t = node.as_table();
    if (!t) {
      set.errors.push_back(where(file, node.source()) + ": 'rule' entries must be tables");
      continue;
    }
    Rule rule;
    rule.file = file;
    rule.line = static_cast<int>(t->source().begin.line);
    const std::string at = where(file, t->source());
    bool ok = true;
    for (auto&& [k, v] : *t) {
      if (!kKeys.count(std::string(k.str()))) {
        set.errors.push_back(where(file, v.source()) + ": unknown key '" + std::string(k.str()) + "'");
        ok = false;
      }
    }
    auto id = (*t)["id"].value<std::string>();
    auto reason = (*t)["reason"].value<std::string>();
    if (!id || id->empty()) {
      set.errors.push_back(at + ": rule without an 'id'");
      ok = false;
    } else {
      rule.id = *id;
      if (!seen.insert(rule.id).second) {
        set.errors.push_back(where_key(file, *t, "id") + ": duplicate id '" + rule.id + "'");
        ok = false;
      }
    }
    if (!reason) {
      set.errors.push_back(at + ": rule '" + rule.id + "' has no 'reason'");
      ok = false;
    } else if (!is_known_reason(*reason)) {
      set.errors.push_back(where_key(file, *t, "reason") + ": unknown reason '" + *reason + "'");
      ok = false;
    } else {
      rule.reason = *reason;
    }
    rule.comment = (*t)["comment"].value_or(std::string());
    if (auto k = (*t)["class"].value<std::string>()) {
      if (!is_known_class(*k)) {
        set.errors.push_back(where_key(file, *t, "class") + ": unknown class '" + *k + "' (hard, soft or none)");
        ok = false;
      }
      rule.klass = *k;
    }
    if (const toml::node* cs = t->get("case_sensitive")) {
      if (auto b = cs->value<bool>()) rule.case_sensitive = *b;
      else {
        set.errors.push_back(where(file, cs->source()) + ": 'case_sensitive' must be true or false");
        ok = false;
      }
    }
    ok &= read_list(*t, "status", rule.status, file, set);
    ok &= read_list(*t, "reply", rule.reply, file, set);
    ok &= read_list(*t, "action", rule.action, file, set);
    ok &= read_list(*t, "remote_mta", rule.remote_mta, file, set);
    ok &= read_list(*t, "reporting_mta", rule.reporting_mta, file, set);
    ok &= read_list(*t, "domain", rule.domain, file, set);
    ok &= read_list(*t, "command", rule.command, file, set);
    ok &= read_list(*t, "text", rule.text, file, set);
    for (const auto& s : rule.status)
      if (!check_code_pattern(s, true)) {
        set.errors.push_back(where_key(file, *t, "status") + ": bad status pattern '" + s + "' (e.g. 5.1.1, 5.7.* or !*.4.7)");
        ok = false;
      }
    for (const auto& s : rule.reply)
      if (!check_code_pattern(s, false)) {
        set.errors.push_back(where_key(file, *t, "reply") + ": bad reply pattern '" + s + "' (e.g. 550 or 55*)");
        ok = false;
      }
    for (auto& c : rule.command) c = to_lower(c);
    for (auto& a : rule.action) a = to_lower(a);
    for (const auto& p : rule.text) {
      // Parsing is enough to know whether RE2 takes the pattern (RE2::Set::Add parses
      // without compiling); the classifier compiles all patterns together once. The
      // parse is case-sensitive whatever the rule says: case folding changes no syntax
      // (a unit test holds the two readings equal), and folding each literal costs
      // four times as much (60 -> 14 million instructions at every start).
      RE2::Options o;
      o.set_log_errors(false);
      RE2::Set check(o, RE2::UNANCHORED);
      std::string error;
      if (check.Add(p, &error) < 0) {
        set.errors.push_back(where_key(file, *t, "text") + ": regex '" + p + "' refused by RE2: " + error);
        ok = false;
      }
    }
    if (rule.status.empty() && rule.reply.empty() && rule.action.empty() && rule.remote_mta.empty() &&
        rule.reporting_mta.empty() && rule.domain.empty() && rule.command.empty() && rule.text.empty()) {
      set.errors.push_back(at + ": rule '" + rule.id + "' has no condition");
      ok = false;
    }
    if (!ok) continue;
    bool provider = !rule.remote_mta.empty() || !rule.reporting_mta.empty() || !rule.domain.empty();
    rule.tier = provider ? 0 : (!rule.text.empty() ? 1 : 2);
    rule.order = set.rules.size();
    set.rules.push_back(std::move(rule));
  }
}

RuleSet load_rules(const std::string& dir) {
  RuleSet set;
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    set.errors.push_back(dir + ": not a rules directory");
    return set;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    std::ifstream in(p, std::ios::binary);
    if (!in) {
      set.errors.push_back(p.filename().string() + ":0: cannot be read");
      continue;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    load_rules_text(ss.str(), p.filename().string(), set);
    ++set.files;
  }
  return set;
}

}  // namespace bounced
