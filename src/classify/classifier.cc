// classifier.cc - candidate rules (text patterns and code indexes), and the decision order.
#include "classify/classifier.h"

#include <fnmatch.h>
#include <algorithm>

#include "classify/reasons.h"
#include "classify/status_table.h"
#include "common/strutil.h"
#include "report/codes.h"

namespace bounced {

namespace {

bool glob(const std::string& pattern, const std::string& value) {
  return fnmatch(pattern.c_str(), value.c_str(), FNM_CASEFOLD) == 0;
}

// A plain host name also matches its subdomains; a pattern with '*' is a glob.
bool host_matches(const std::string& pattern, const std::string& host) {
  if (host.empty()) return false;
  if (pattern.find_first_of("*?[") != std::string::npos) return glob(pattern, host);
  if (iequals(pattern, host)) return true;
  return host.size() > pattern.size() && host[host.size() - pattern.size() - 1] == '.' &&
         iequals(std::string_view(host).substr(host.size() - pattern.size()), pattern);
}

// A list of globs holds when one of its plain patterns matches (or it has none) and
// none of its "!" patterns does: ["5.*", "!5.4.7"], ["!*.4.7"].
bool any_glob(const std::vector<std::string>& patterns, const std::string& value) {
  bool has_positive = false, positive_hit = false;
  for (const auto& p : patterns) {
    if (p.starts_with("!")) {
      if (glob(p.substr(1), value)) return false;
    } else {
      has_positive = true;
      positive_hit = positive_hit || glob(p, value);
    }
  }
  return !has_positive || positive_hit;
}

bool has_positive(const std::vector<std::string>& patterns) {
  return std::any_of(patterns.begin(), patterns.end(), [](const std::string& p) { return !p.starts_with("!"); });
}

bool any_host(const std::vector<std::string>& patterns, const std::string& host) {
  if (patterns.empty()) return true;
  for (const auto& p : patterns)
    if (host_matches(p, host)) return true;
  return false;
}

}  // namespace

// All text patterns of one case mode in one matcher, with the rule each belongs to.
struct Classifier::PatternSet {
  std::unique_ptr<PatternMatcher> matcher;
  std::vector<std::size_t> owner;  // pattern index -> rule index

  PatternSet(const std::vector<Rule>& rules, bool case_sensitive, const MatcherOptions& options) {
    std::vector<std::string> patterns;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      if (rules[i].case_sensitive != case_sensitive) continue;
      for (const auto& p : rules[i].text) {
        owner.push_back(i);
        patterns.push_back(p);
      }
    }
    matcher = std::make_unique<PatternMatcher>(std::move(patterns), case_sensitive, options);
  }

  // Appends to out the rules whose text matches or may match (as rule indices), and
  // to hits what tells them apart (see TextHit).
  void propose(const std::string& text, std::vector<std::uint32_t>& out,
               std::vector<TextHit>& hits) const {
    if (owner.empty()) return;
    std::vector<int> sure, maybe;
    matcher->propose(text, sure, maybe);
    for (int i : sure) add(i, true, out, hits);
    for (int i : maybe) add(i, false, out, hits);
  }

 private:
  void add(int pattern, bool sure, std::vector<std::uint32_t>& out,
           std::vector<TextHit>& hits) const {
    const auto rule = static_cast<std::uint32_t>(owner[static_cast<std::size_t>(pattern)]);
    out.push_back(rule);
    hits.push_back(TextHit{rule, pattern, sure});
  }
};

// Whether the text of rule i matches: one of its patterns surely matched, or one of
// those Hyperscan proposed is confirmed by RE2. Confirming only here, for a rule whose
// other conditions hold and that comes before the deciding one, leaves most proposals
// unconfirmed (and their patterns never compiled for RE2).
bool Classifier::text_holds(std::uint32_t rule, const std::vector<TextHit>& hits,
                            const std::string& text) const {
  for (const auto& h : hits)
    if (h.rule == rule && h.sure) return true;
  const PatternMatcher& matcher = *(rules_[rule].case_sensitive ? cs_ : ci_)->matcher;
  for (const auto& h : hits)
    if (h.rule == rule && matcher.confirm(text, h.pattern)) return true;
  return false;
}

namespace {

std::string domain_of(const std::string& addr) {
  std::size_t at = addr.rfind('@');
  return at == std::string::npos ? std::string() : addr.substr(at + 1);
}

}  // namespace

Classifier::Classifier(std::vector<Rule> rules, const MatcherOptions& options) : rules_(std::move(rules)) {
  std::stable_sort(rules_.begin(), rules_.end(), [](const Rule& a, const Rule& b) {
    if (a.tier != b.tier) return a.tier < b.tier;
    return a.order < b.order;
  });
  ci_ = std::make_unique<PatternSet>(rules_, false, options);
  cs_ = std::make_unique<PatternSet>(rules_, true, options);
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const Rule& rule = rules_[i];
    const auto idx = static_cast<std::uint32_t>(i);
    if (!rule.text.empty()) continue;  // found through the RE2 sets
    if (has_positive(rule.status)) {
      for (const auto& p : rule.status)
        if (!p.starts_with("!")) by_status_.add(p, idx);
    } else if (has_positive(rule.reply)) {
      for (const auto& p : rule.reply)
        if (!p.starts_with("!")) by_reply_.add(p, idx);
    } else {
      unindexed_.push_back(idx);
    }
  }
}

void Classifier::CodeIndex::add(const std::string& pattern, std::uint32_t rule) {
  const std::size_t glob_at = pattern.find_first_of("*?[\\");
  if (glob_at == std::string::npos) {
    exact[pattern].push_back(rule);
    return;
  }
  const std::string literal = pattern.substr(0, glob_at);
  for (auto& [p, rules] : prefix)
    if (p == literal) {
      rules.push_back(rule);
      return;
    }
  prefix.emplace_back(literal, std::vector<std::uint32_t>{rule});
}

void Classifier::CodeIndex::lookup(const std::string& value, std::vector<std::uint32_t>& out) const {
  if (auto it = exact.find(value); it != exact.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  for (const auto& [p, rules] : prefix)
    if (value.starts_with(p)) out.insert(out.end(), rules.begin(), rules.end());
}

Classifier::~Classifier() = default;

std::string Classifier::engine() const {
  const std::string& ci = ci_->matcher->engine();
  const std::string& cs = cs_->matcher->engine();
  if (cs_->owner.empty() || ci == cs) return ci;
  if (ci_->owner.empty()) return cs;
  return "case-insensitive: " + ci + "; case-sensitive: " + cs;
}

bool Classifier::conditions_hold(const Rule& rule, const Report& report, const RecipientFacts& r) const {
  if (!rule.status.empty() && !any_glob(rule.status, r.status)) return false;
  if (!rule.reply.empty() && !any_glob(rule.reply, r.reply_code)) return false;
  if (!rule.action.empty() && !any_glob(rule.action, r.action)) return false;
  if (!rule.command.empty() && !any_glob(rule.command, to_lower(r.command))) return false;
  if (!rule.remote_mta.empty() && !any_host(rule.remote_mta, r.remote_mta)) return false;
  if (!rule.reporting_mta.empty() && !any_host(rule.reporting_mta, report.reporting_mta)) return false;
  if (!rule.domain.empty() && !any_host(rule.domain, domain_of(r.recipient))) return false;
  return true;
}

void Classifier::classify(const Report& report, RecipientFacts& r, std::vector<std::string>* explain) const {
  const bool permanent = r.status.starts_with("5") || (r.status.empty() && r.reply_code.starts_with("5"));
  auto decide = [&](const std::string& reason, const std::string& klass, const std::string& rule) {
    r.reason = reason;
    r.bounce = klass.empty() ? default_class(reason, permanent) : klass;
    r.rule = rule;
    // A delay, relay or expansion notice is no failure: recorded, never counted.
    if (r.action == "delayed" || r.action == "delivered" || r.action == "relayed" ||
        r.action == "expanded")
      r.bounce = "none";
  };

  if (r.action == "delivered" || r.status.starts_with("2.")) {
    decide("delivered", "none", "status-code");
    if (explain) explain->push_back("status-code: delivered");
    return;
  }
  // Retries ran out: Action "expired" (SendGrid, some appliances) or X.4.7. The last
  // attempt's error text still decides when a text rule reads a cause in it (a full
  // disk, a DNS failure, a full mailbox); codes alone do not, and without such text
  // the reason is expired.
  const bool gave_up = r.action == "expired" || (r.status.size() >= 5 && r.status.substr(1) == ".4.7");

  // Candidates: rules whose text matched, and rules without text whose status or
  // reply pattern can match; checked in precedence order.
  std::vector<std::uint32_t> candidates;
  std::vector<TextHit> hits;
  ci_->propose(r.diagnostic, candidates, hits);
  cs_->propose(r.diagnostic, candidates, hits);
  by_status_.lookup(r.status, candidates);
  by_reply_.lookup(r.reply_code, candidates);
  candidates.insert(candidates.end(), unindexed_.begin(), unindexed_.end());
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());

  bool decided = false;
  for (std::uint32_t i : candidates) {
    const Rule& rule = rules_[i];
    if (gave_up && rule.text.empty()) continue;
    if (!conditions_hold(rule, report, r)) continue;
    if (!rule.text.empty() && !text_holds(i, hits, r.diagnostic)) continue;
    if (!decided) {
      decide(rule.reason, rule.klass, rule.name());
      decided = true;
      if (!explain) return;
      explain->push_back("decided by " + rule.name() + " -> " + rule.reason +
                         (rule.comment.empty() ? "" : "  (" + rule.comment + ")"));
    } else {
      explain->push_back("also matched " + rule.name() + " -> " + rule.reason);
    }
  }
  if (decided) return;
  if (gave_up) {
    decide("expired", "", "status-code");
    if (explain) explain->push_back("status-code: delivery time expired (" + (r.action == "expired" ? std::string("Action: expired") : r.status) + ")");
    return;
  }

  std::string reason;
  // A delay notice whose code names no particular cause ("4.4.0 other or undefined
  // network or routing status") says only that delivery is still being tried: like a
  // delay without any code, it is reported as expired (and never counted).
  const bool undefined_delay =
      r.action == "delayed" && r.status.size() == 5 && r.status[0] == '4' && r.status.ends_with(".0");
  if (!is_generic_status(r.status) && !undefined_delay) reason = reason_for_status(r.status);
  if (reason.empty()) reason = fallback_reason(r.status, r.action, r.command, r.diagnostic_type);
  if (reason.empty()) reason = trim(r.diagnostic).empty() ? "undefined" : "onhold";
  // No text rule spoke: the code alone decides, and a temporary code (a 4.1.1 or
  // 4.1.2 with words no rule knows) never suppresses an address; a text rule that
  // names a missing mailbox still can, whatever the code.
  const bool hard_by_code = default_class(reason, permanent) == "hard";
  decide(reason, hard_by_code && !permanent ? "soft" : "", "status-code");
  if (explain) explain->push_back("no rule matched; status-code -> " + reason);
}

}  // namespace bounced
