// machine.cc - the machine line and fields of every benchmark, and a daemon's memory.
#include "machine.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "common/allocator.h"

namespace bounced::bench {

namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      const std::size_t colon = line.find(':');
      return colon == std::string::npos ? line
                                        : line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  return "unknown";
}

long status_kib(const std::string& status, const char* field) {
  const std::size_t at = status.find(field);
  if (at == std::string::npos) return 0;
  return std::strtol(status.c_str() + at + std::string(field).size(), nullptr, 10);
}

}  // namespace

std::string machine_line() {
  return "machine: " + std::to_string(std::thread::hardware_concurrency()) + " cores, " +
         cpu_model() + "; " + allocator_name();
}

JsonObject bench_json(std::string_view name) {
  JsonObject o;
  o.add("bench", name)
      .add_raw("cores", std::to_string(std::thread::hardware_concurrency()))
      .add("cpu", cpu_model())
      .add("allocator", allocator_name());
  return o;
}

std::string num(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

DaemonMemory daemon_memory(int connected_fd) {
  DaemonMemory m;
  ucred cred{};
  socklen_t len = sizeof cred;
  if (getsockopt(connected_fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.pid <= 0)
    return m;
  m.pid = cred.pid;
  std::ifstream in("/proc/" + std::to_string(cred.pid) + "/status");
  const std::string status((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  m.rss_kib = status_kib(status, "VmRSS:");
  m.peak_kib = status_kib(status, "VmHWM:");
  return m;
}

}  // namespace bounced::bench
