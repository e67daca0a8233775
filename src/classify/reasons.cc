// reasons.cc - the reason vocabulary, default classes and pseudo status codes.
#include "classify/reasons.h"

#include <array>

namespace bounced {

namespace {
struct ReasonInfo {
  std::string_view name;
  std::string_view klass;  // "hard", "soft", "none" or "hard5" (hard on 5xx only)
  std::string_view pseudo; // the NN of X.0.9NN, or empty
};

constexpr std::array<ReasonInfo, 34> kReasons{{
    {"userunknown", "hard", "11"},   {"hostunknown", "hard", "12"},
    {"hasmoved", "hard", "16"},      {"notaccept", "hard5", "32"},
    {"mailboxfull", "soft", "22"},   {"mesgtoobig", "soft", "34"},
    {"exceedlimit", "soft", "23"},   {"suspend", "soft", "21"},
    {"filtered", "soft", "10"},      {"rejected", "soft", "18"},
    {"blocked", "soft", "71"},       {"badreputation", "soft", "72"},
    {"requireptr", "soft", "73"},    {"authfailure", "soft", "74"},
    {"notcompliantrfc", "soft", "75"}, {"policyviolation", "soft", "76"},
    {"spamdetected", "soft", "80"},  {"virusdetected", "soft", "81"},
    {"contenterror", "soft", "60"},  {"securityerror", "soft", "70"},
    {"norelaying", "soft", "77"},    {"speeding", "soft", "78"},
    {"toomanyconn", "soft", "45"},   {"systemerror", "soft", "30"},
    {"systemfull", "soft", "31"},    {"networkerror", "soft", "44"},
    {"expired", "soft", "47"},       {"mailererror", "soft", "39"},
    {"syntaxerror", "soft", "02"},   {"onhold", "none", "01"},
    {"undefined", "none", ""},       {"vacation", "none", ""},
    {"feedback", "none", ""},        {"delivered", "none", ""},
}};

const ReasonInfo* info(std::string_view name) {
  for (const auto& r : kReasons)
    if (r.name == name) return &r;
  return nullptr;
}
}  // namespace

bool is_known_reason(std::string_view name) { return info(name) != nullptr; }

bool is_known_class(std::string_view name) {
  return name == "hard" || name == "soft" || name == "none";
}

std::string default_class(std::string_view reason, bool permanent) {
  const ReasonInfo* r = info(reason);
  if (!r) return "none";
  if (r->klass == "hard5") return permanent ? "hard" : "soft";
  return std::string(r->klass);
}

std::string pseudo_status(std::string_view reason, bool permanent) {
  const ReasonInfo* r = info(reason);
  if (!r || r->pseudo.empty()) return {};
  return std::string(permanent ? "5.0.9" : "4.0.9") + std::string(r->pseudo);
}

}  // namespace bounced
