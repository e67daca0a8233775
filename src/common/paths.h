// paths.h - where the shipped rules are found when no --rules is given.
#pragma once
#include <string>

namespace bounced {

// First of: $BOUNCED_RULES, <dir of the running program>/../rules (a build tree),
// the source tree's rules/ (compiled in), /etc/bounced/rules, /usr/share/bounced/rules.
std::string default_rules_dir();

}  // namespace bounced
