// machine.h - what every benchmark prints beside its figures: the machine it ran on
// (cores, CPU model, allocator), as a text line or as fields of its JSON line.
#pragma once
#include <string>
#include <string_view>

#include "common/json.h"

namespace bounced::bench {

// "machine: 2 cores, AMD EPYC 7B13; mimalloc 2.0.9"
std::string machine_line();

// A benchmark's JSON line so far: {"bench": name, "cores", "cpu", "allocator", ...
JsonObject bench_json(std::string_view name);

// A figure as JSON writes it: an integer when it is one, else up to six significant digits.
std::string num(double v);

// A bounced daemon's memory, read from /proc for the process at the other end of a
// connected Unix socket (SO_PEERCRED); 0 when it cannot be read (another user's
// process under hidepid, or not Linux).
struct DaemonMemory {
  long pid = 0;
  long rss_kib = 0;   // VmRSS now
  long peak_kib = 0;  // VmHWM: the peak since the daemon started
};
DaemonMemory daemon_memory(int connected_fd);

}  // namespace bounced::bench
