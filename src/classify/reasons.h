// reasons.h - the reason vocabulary of CONTRACT.md and each reason's default class.
#pragma once
#include <string>
#include <string_view>

namespace bounced {

// True when name is a reason of the vocabulary.
bool is_known_reason(std::string_view name);

// The default class of a reason: "hard", "soft" or "none". notaccept is hard only
// on a permanent (5xx / 5.x.x) failure.
std::string default_class(std::string_view reason, bool permanent);

// True for hard, soft or none.
bool is_known_class(std::string_view name);

// The pseudo status code that stands in when a report carries no enhanced code:
// X.0.9NN, the convention Sisimai made common, so that results compare across
// tools ("5.0.911" = user unknown, permanent). Empty for reasons without one.
std::string pseudo_status(std::string_view reason, bool permanent);

}  // namespace bounced
