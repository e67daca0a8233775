// rule_loader.cc - TOML rule files (toml++) into Rule values.
#include "classify/rule_loader.h"

#include <re2/re2.h>
#include <re2/set.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "classify/reasons.h"
#include "common/blob_cache.h"
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

namespace {

// The cache's format: counts and lengths as 4-byte little-endian numbers.
void put(std::string& out, std::uint64_t v) { append_u32(out, static_cast<std::uint32_t>(v)); }
void put(std::string& out, std::string_view s) {
  put(out, s.size());
  out.append(s);
}
void put(std::string& out, const std::vector<std::string>& list) {
  put(out, list.size());
  for (const auto& s : list) put(out, s);
}

struct Reader {
  std::string_view in;
  bool ok = true;
  std::uint32_t number() {
    if (in.size() < 4) {
      ok = false;
      return 0;
    }
    const std::uint32_t v = read_u32(in, 0);
    in.remove_prefix(4);
    return v;
  }
  std::string text() {
    const std::uint32_t n = number();
    if (!ok || n > in.size()) {
      ok = false;
      return {};
    }
    std::string s(in.substr(0, n));
    in.remove_prefix(n);
    return s;
  }
  std::vector<std::string> list() {
    const std::uint32_t n = number();
    std::vector<std::string> out;
    if (n > in.size() / 4) ok = false;  // each entry takes four bytes at least
    for (std::uint32_t i = 0; ok && i < n; ++i) out.push_back(text());
    return out;
  }
};

constexpr std::string_view kRuleSetFormat = "bounced-rule-set-1";

}  // namespace

std::string encode_rule_set(const RuleSet& set) {
  std::string out;
  put(out, kRuleSetFormat);
  put(out, set.files);
  put(out, set.errors);
  put(out, set.rules.size());
  for (const Rule& r : set.rules) {
    put(out, r.file);
    put(out, static_cast<std::uint64_t>(r.line));
    put(out, r.id);
    put(out, r.comment);
    for (const auto* list : {&r.status, &r.reply, &r.action, &r.remote_mta, &r.reporting_mta,
                             &r.domain, &r.command, &r.text})
      put(out, *list);
    put(out, r.case_sensitive ? 1 : 0);
    put(out, r.reason);
    put(out, r.klass);
    put(out, static_cast<std::uint64_t>(r.tier));
    put(out, r.order);
  }
  return out;
}

std::optional<RuleSet> decode_rule_set(std::string_view bytes) {
  Reader in{bytes};
  RuleSet set;
  if (in.text() != kRuleSetFormat) return std::nullopt;
  set.files = in.number();
  set.errors = in.list();
  const std::uint32_t n = in.number();
  if (!in.ok || n > in.in.size() / 4) return std::nullopt;
  set.rules.reserve(n);
  for (std::uint32_t i = 0; in.ok && i < n; ++i) {
    Rule r;
    r.file = in.text();
    r.line = static_cast<int>(in.number());
    r.id = in.text();
    r.comment = in.text();
    for (auto* list : {&r.status, &r.reply, &r.action, &r.remote_mta, &r.reporting_mta, &r.domain,
                       &r.command, &r.text})
      *list = in.list();
    r.case_sensitive = in.number() != 0;
    r.reason = in.text();
    r.klass = in.text();
    r.tier = static_cast<int>(in.number());
    r.order = in.number();
    set.rules.push_back(std::move(r));
  }
  if (!in.ok || !in.in.empty()) return std::nullopt;
  return set;
}

RuleSet load_rules(const std::string& dir) { return load_rules(dir, std::string()); }

RuleSet load_rules(const std::string& dir, const std::string& cache_dir) {
  RuleSet set;
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    set.errors.push_back(dir + ": not a rules directory");
    return set;
  }
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".toml") paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  struct File {
    std::string name;
    std::optional<std::string> text;  // nothing: it could not be read
  };
  std::vector<File> files;
  bool all_read = true;
  for (const auto& p : paths) {
    File f{p.filename().string(), std::nullopt};
    if (std::ifstream in(p, std::ios::binary); in) {
      std::ostringstream ss;
      ss << in.rdbuf();
      f.text = std::move(ss).str();
    } else {
      all_read = false;
    }
    files.push_back(std::move(f));
  }
  std::uint64_t key = 0;
  const bool cached = !cache_dir.empty() && all_read;
  if (cached) {
    std::string key_text = std::string(kRuleSetFormat) + "\n" + build_identity() + "\n";
    for (const auto& f : files) {
      key_text += f.name;
      key_text.push_back('\0');
      key_text += *f.text;
      key_text.push_back('\0');
    }
    key = fnv1a64(key_text);
    if (auto blob = cache_read(cache_dir, "rules", key, std::size_t{64} << 20))
      if (auto from_cache = decode_rule_set(*blob)) return std::move(*from_cache);
  }
  for (const auto& f : files) {
    if (!f.text) {
      set.errors.push_back(f.name + ":0: cannot be read");
      continue;
    }
    load_rules_text(*f.text, f.name, set);
    ++set.files;
  }
  if (cached) cache_write(cache_dir, "rules", key, encode_rule_set(set));
  return set;
}

}  // namespace bounced
