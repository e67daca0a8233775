// options.cc - command line and config file of bounced.
#include "daemon/options.h"

#include <boost/program_options.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/limits.h"
#include "common/strutil.h"

namespace bounced {

namespace po = boost::program_options;

int parse_daemon_options(int argc, char** argv, DaemonOptions& o, bool& exit_now) {
  exit_now = false;
  std::string config;
  std::string not_counted;
  int window_days = 90;
  std::string verp_delim = "+";
  po::options_description desc("bounced options (each also works as 'name = value' in the config file)");
  desc.add_options()
      ("help,h", "print this help and exit")
      ("version", "print the version and exit")
      ("config", po::value(&config), "config file (default /etc/bounced/bounced.conf when it exists)")
      ("db", po::value(&o.db)->default_value(o.db), "SQLite database file")
      ("rules", po::value(&o.rules), "rules directory (default: the shipped rules)")
      ("cache-dir", po::value(&o.cache_dir), "where the compiled rule patterns are kept between starts (default: $BOUNCED_CACHE_DIR, else 'cache' in the --db file's folder)")
      ("socket", po::value(&o.socket)->default_value(o.socket), "Unix socket for ingest and queries")
      ("socketmap", po::value(&o.socketmap), "Unix socket serving Postfix's socketmap protocol (maps 'suppressed' and 'suppressed-transport')")
      ("socketmap-defer-remaining", po::value(&o.socketmap_defer_remaining)->default_value(0), "the 'suppressed' map defers mail to soft addresses this many bounces from promotion (0: never)")
      ("socket-group", po::value(&o.socket_group), "group that owns the socket")
      ("socketmap-group", po::value(&o.socketmap_group), "group that owns the socketmap socket, e.g. postfix (default: --socket-group)")
      ("socket-mode", po::value(&o.socket_mode)->default_value(o.socket_mode), "socket file mode (octal); never world-writable")
      ("ingest-group", po::value(&o.server.access.ingest_group), "group allowed to ingest (empty: anyone who can open the socket)")
      ("query-group", po::value(&o.server.access.query_group), "group allowed to query and record activity (empty: anyone who can open the socket)")
      ("admin-group", po::value(&o.server.access.admin_group), "group allowed to unsuppress and reload (empty: only root and bounced's own user)")
      ("threshold", po::value(&o.policy.threshold_inactive)->default_value(o.policy.threshold_inactive), "soft bounces that make an address without subscriber activity hard")
      ("threshold-active", po::value(&o.policy.threshold_active)->default_value(o.policy.threshold_active), "soft bounces that make an address with subscriber activity hard")
      ("soft-window-days", po::value(&window_days)->default_value(window_days), "soft bounces older than this stop counting")
      ("not-counted", po::value(&not_counted)->default_value("blocked,badreputation,requireptr,authfailure,norelaying,securityerror,speeding,toomanyconn,rejected"), "soft reasons that are the sender's problem: recorded, never counted")
      ("complaint-suppresses", po::value(&o.policy.complaint_suppresses)->default_value(true), "an ARF complaint makes the address hard")
      ("breaker-addresses", po::value(&o.policy.breaker_addresses)->default_value(o.policy.breaker_addresses), "this many addresses of one domain soft-bouncing within --breaker-seconds stop counting")
      ("breaker-seconds", po::value(&o.policy.breaker_seconds)->default_value(o.policy.breaker_seconds), "the circuit breaker's window")
      ("verp-prefix", po::value(&o.server.verp_prefix)->default_value(o.server.verp_prefix), "local-part prefix of VERP bounce addresses")
      ("verp-delimiter", po::value(&verp_delim)->default_value(verp_delim), "VERP delimiter character")
      ("max-message-bytes", po::value(&o.server.max_message_bytes)->default_value(o.server.max_message_bytes), "largest message accepted for ingest")
      ("threads", po::value(&o.threads)->default_value(o.threads), "I/O threads serving the sockets, each with its own read connection (0: one per core)")
      ("client-timeout", po::value(&o.server.client_timeout_seconds)->default_value(o.server.client_timeout_seconds), "seconds a client may stay idle")
      ("log-level", po::value(&o.log_level)->default_value(o.log_level), "trace, debug, info, warn, error")
      ("user", po::value(&o.user), "user to run as when started as root (required then, unless --allow-root)")
      ("allow-root", po::bool_switch(&o.allow_root), "keep running as root without --user (containers, trying it out)");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    if (vm.count("help")) {
      std::cout << "usage: bounced [OPTIONS]\n" << desc << "\n";
      exit_now = true;
      return 0;
    }
    if (vm.count("version")) {
      std::cout << "bounced " << BOUNCED_VERSION << "\n";
      exit_now = true;
      return 0;
    }
    std::string cfg = vm.count("config") ? vm["config"].as<std::string>() : std::string();
    std::error_code ec;
    if (cfg.empty() && std::filesystem::exists("/etc/bounced/bounced.conf", ec)) cfg = "/etc/bounced/bounced.conf";
    if (!cfg.empty()) {
      std::ifstream in(cfg);
      if (!in) {
        std::cerr << "bounced: cannot read config file " << cfg << "\n";
        exit_now = true;
        return 78;
      }
      po::store(po::parse_config_file(in, desc, false), vm);
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "bounced: " << e.what() << "\n";
    exit_now = true;
    return 78;
  }
  auto fail = [&](const std::string& msg) {
    std::cerr << "bounced: " << msg << "\n";
    exit_now = true;
    return 78;
  };
  if (o.policy.threshold_inactive < 1 || o.policy.threshold_active < 1) return fail("thresholds must be at least 1");
  if (window_days < 1) return fail("--soft-window-days must be at least 1");
  if (verp_delim.size() != 1) return fail("--verp-delimiter must be one character");
  if (o.server.max_message_bytes < 1024 || o.server.max_message_bytes > limits::kMaxMessageBytes)
    return fail("--max-message-bytes must be between 1024 and " + std::to_string(limits::kMaxMessageBytes));
  unsigned mode = 0;
  std::istringstream ms(o.socket_mode);
  if (!(ms >> std::oct >> mode) || mode > 0777) return fail("--socket-mode must be an octal mode such as 0660");
  if (mode & 0002) return fail("--socket-mode must not be world-writable");
  o.policy.window_seconds = static_cast<std::int64_t>(window_days) * 86400;
  o.server.verp_delimiter = verp_delim[0];
  o.policy.not_counted.clear();
  std::string item;
  std::istringstream nc(not_counted);
  while (std::getline(nc, item, ',')) {
    std::string t(trim(item));
    if (!t.empty()) o.policy.not_counted.push_back(t);
  }
  o.server.socket_path = o.socket;
  return 0;
}

}  // namespace bounced
