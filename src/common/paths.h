// paths.h - where the shipped rules are found when no --rules is given, and where the
// compiled patterns are cached.
#pragma once
#include <string>

namespace bounced {

// First of: $BOUNCED_RULES, <dir of the running program>/../rules (a build tree),
// the source tree's rules/ (compiled in), /etc/bounced/rules, /usr/share/bounced/rules.
std::string default_rules_dir();

// Where compiled rule patterns are kept: $BOUNCED_CACHE_DIR, else `fallback` when
// given, else $XDG_CACHE_HOME/bounced, else $HOME/.cache/bounced; empty when none is set.
std::string default_cache_dir(const std::string& fallback = "");

}  // namespace bounced
