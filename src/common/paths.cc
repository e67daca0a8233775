// paths.cc - locating the shipped rules and the pattern cache.
#include "common/paths.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace bounced {

std::string default_rules_dir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (const char* env = std::getenv("BOUNCED_RULES"); env && *env) return env;
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) {
    buf[n] = 0;
    fs::path p = fs::path(buf).parent_path().parent_path() / "rules";
    if (fs::is_directory(p, ec)) return p.string();
  }
  for (const char* c : {BOUNCED_DEFAULT_RULES_DIR, "/etc/bounced/rules", "/usr/share/bounced/rules"})
    if (fs::is_directory(c, ec)) return c;
  return BOUNCED_DEFAULT_RULES_DIR;
}

std::string default_cache_dir(const std::string& fallback) {
  if (const char* d = std::getenv("BOUNCED_CACHE_DIR"); d && *d) return d;
  if (!fallback.empty()) return fallback;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x == '/') return std::string(x) + "/bounced";
  if (const char* h = std::getenv("HOME"); h && *h == '/') return std::string(h) + "/.cache/bounced";
  return {};
}

}  // namespace bounced
