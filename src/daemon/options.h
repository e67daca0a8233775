// options.h - bounced's settings: one name, one default, one place (Boost.Program_options).
#pragma once
#include <string>

#include "server/server.h"
#include "store/store.h"

namespace bounced {

struct DaemonOptions {
  std::string db = "state/bounced.db";
  std::string rules;                   // empty: the shipped rules (default_rules_dir)
  std::string cache_dir;               // compiled rule patterns; empty: $BOUNCED_CACHE_DIR, else "cache" beside the --db file
  std::string socket = "state/bounced.sock";
  std::string socketmap;              // empty: no socketmap server
  int socketmap_defer_remaining = 0;   // defer mail to addresses this close to the soft limit
  std::string socket_group;
  std::string socketmap_group;         // empty: socket_group
  std::string socket_mode = "0660";
  std::string log_level = "info";
  std::string user;                    // drop privileges to this user when started as root
  bool allow_root = false;             // run as root without dropping (containers, trying it out)
  ServerConfig server;
  CountingPolicy policy;
  std::size_t max_group = 256;
  unsigned threads = 0;                // I/O threads; 0: one per core
};

// Parses the command line and the config file (--config, default
// /etc/bounced/bounced.conf when it exists). Returns 0 to run, or an exit status
// (0 for --help/--version after printing, 78 for a bad option or config line).
int parse_daemon_options(int argc, char** argv, DaemonOptions& out, bool& exit_now);

}  // namespace bounced
