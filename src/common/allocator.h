// allocator.h - which malloc the programs run on (named in logs and benchmark output).
#pragma once
#include <string>

namespace bounced {

// "mimalloc 2.0.9" when built with it, else "glibc malloc".
std::string allocator_name();

}  // namespace bounced
