// main.cc - bounced: the daemon. Runs in the foreground (systemd style): opens the
// store, loads the rules, serves the socket; SIGHUP reloads the rules (a broken rules
// directory keeps the old rules), SIGTERM finishes what is in flight and exits.
#include <grp.h>
#include <pwd.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <cerrno>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>
#include <utility>  // Boost 1.74 Asio needs std::exchange declared first (C++20)

#include "classify/classifier.h"
#include "classify/rule_loader.h"
#include "common/allocator.h"
#include "common/literal_set.h"
#include "common/paths.h"
#include "daemon/options.h"
#include "server/server.h"
#include "server/socketmap.h"
#include "server/writer.h"
#include "store/reader_pool.h"
#include "store/sqlite_store.h"

using namespace bounced;

namespace {

std::shared_ptr<const Classifier> load_classifier(const std::string& dir, const MatcherOptions& matcher,
                                                  std::string& error) {
  RuleSet set = load_rules(dir, matcher.cache_dir);
  if (!set.errors.empty()) {
    error = dir + "/" + set.errors.front();
    for (std::size_t i = 1; i < set.errors.size(); ++i) error += "; " + dir + "/" + set.errors[i];
    return nullptr;
  }
  const std::size_t count = set.rules.size();
  auto classifier = std::make_shared<const Classifier>(std::move(set.rules), matcher);
  spdlog::info("rules: {} rules from {} files in {}; text patterns: {}", count, set.files, dir, classifier->engine());
  return classifier;
}

bool drop_privileges(const std::string& user) {
  struct passwd* pw = getpwnam(user.c_str());
  if (!pw) {
    spdlog::critical("--user {}: no such user", user);
    return false;
  }
  if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
    spdlog::critical("cannot switch to user {}", user);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  DaemonOptions opt;
  bool exit_now = false;
  int rc = parse_daemon_options(argc, argv, opt, exit_now);
  if (exit_now) return rc;

  auto logger = spdlog::stderr_color_mt("bounced");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern(getenv("INVOCATION_ID") ? "%l: %v" : "%Y-%m-%d %H:%M:%S %l: %v");
  spdlog::set_level(spdlog::level::from_str(opt.log_level));

  if (geteuid() == 0 && opt.user.empty()) {
    if (!opt.allow_root) {
      spdlog::critical("refusing to run as root: give --user NAME to drop privileges after opening "
                       "the database and sockets (or --allow-root to keep root)");
      return 77;
    }
    spdlog::warn("running as root (--allow-root); in production give --user NAME (the systemd unit runs as bounced)");
  }
  if (opt.rules.empty()) opt.rules = default_rules_dir();
  std::error_code ec;
  for (const std::string& p : {opt.db, opt.socket, opt.socketmap}) {
    auto dir = std::filesystem::path(p).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  }

  MatcherOptions matcher;
  // The daemon stays on Hyperscan: no hand-over to the RE2::Set, whose DFA would add
  // about 20 MB (41-48 MB against 25 MB peak RSS over the dev corpus read 80 times) and
  // a one-time pause; the ~10 us per message the warm set would save is small beside a
  // durable commit, which bounds the ingest rate.
  matcher.hyperscan_texts = 0;
  // --cache-dir, else $BOUNCED_CACHE_DIR, else "cache" beside the database.
  matcher.cache_dir = !opt.cache_dir.empty()
                          ? opt.cache_dir
                          : default_cache_dir((std::filesystem::path(opt.db).parent_path() / "cache").string());
  set_literal_cache_dir(matcher.cache_dir);  // the readers' phrase sets, kept beside the patterns
  std::string err;
  auto classifier = load_classifier(opt.rules, matcher, err);
  if (!classifier) {
    spdlog::critical("rules: {}", err);
    return 78;
  }

  // Read connections keep their snapshot between requests while nothing was written
  // (store/snapshot_gate.h); only this process writes, through the writer below.
  SnapshotGate gate;
  std::unique_ptr<SqliteStore> writer_store;
  std::unique_ptr<ReaderPool> readers;
  bool writable = true;
  const unsigned threads = opt.threads ? opt.threads : std::max(1u, std::thread::hardware_concurrency());
  try {
    writer_store = std::make_unique<SqliteStore>(opt.db, opt.policy);
  } catch (const SchemaError& e) {
    spdlog::critical("store: {}", e.what());
    return 73;
  } catch (const std::exception& e) {
    // A database that exists but cannot be written (read-only media, permissions):
    // answer queries, refuse ingests with a temporary failure so the MTA keeps mail.
    std::error_code exists_ec;
    if (!std::filesystem::exists(opt.db, exists_ec)) {
      spdlog::critical("store: {}", e.what());
      return 73;
    }
    spdlog::error("store: {}: cannot write ({}); serving queries only, ingests answer 75", opt.db, e.what());
    writable = false;
    try {
      writer_store = std::make_unique<SqliteStore>(opt.db, opt.policy, true);
    } catch (const std::exception& e2) {
      spdlog::critical("store: {}", e2.what());
      return 73;
    }
  }
  // Without the writer (a store that cannot be written) nothing moves the generation:
  // every request then takes its own read transaction.
  SnapshotGate* const keep = writable ? &gate : nullptr;
  try {
    if (keep) {
      writer_store->use_gate(keep);
      try {
        writer_store->checkpoint_in_background();
      } catch (const std::exception& e) {
        spdlog::warn("store: {}; checkpoints run inside the writer's commits", e.what());
      }
    }
    readers = std::make_unique<ReaderPool>(opt.db, opt.policy, threads, keep);
  } catch (const std::exception& e) {
    spdlog::critical("store: {}", e.what());
    return 73;
  }
  IoPool loops(threads);
  // Each read connection lets go of its snapshot, on its own thread.
  auto release_snapshots = [&loops, &readers] {
    loops.post_each([&readers] { readers->local().release_snapshot(); });
  };
  Writer writer(*writer_store, opt.max_group, keep, release_snapshots);
  Server server(loops, opt.server, *readers, writer, classifier);
  std::unique_ptr<SocketmapServer> socketmap;
  auto secure = [&](const std::string& path, const std::string& group) -> bool {
    unsigned mode = 0660;
    std::istringstream(opt.socket_mode) >> std::oct >> mode;
    chmod(path.c_str(), mode);
    if (group.empty()) return true;
    struct group* g = getgrnam(group.c_str());
    if (!g || chown(path.c_str(), static_cast<uid_t>(-1), g->gr_gid) != 0) {
      spdlog::critical("group {}: cannot give {} to this group", group, path);
      return false;
    }
    return true;
  };
  try {
    mode_t old = umask(0777 & ~0770);
    server.start();
    if (!opt.socketmap.empty()) {
      socketmap = std::make_unique<SocketmapServer>(loops, opt.socketmap, *readers, opt.socketmap_defer_remaining);
      socketmap->start();
    }
    umask(old);
    const std::string& map_group = opt.socketmap_group.empty() ? opt.socket_group : opt.socketmap_group;
    if (!secure(opt.socket, opt.socket_group) || (socketmap && !secure(opt.socketmap, map_group))) return 78;
  } catch (const std::exception& e) {
    spdlog::critical("socket {}: {}", opt.socket, e.what());
    return 71;
  }
  if (geteuid() == 0 && !opt.user.empty()) {
    struct passwd* pw = getpwnam(opt.user.c_str());
    if (pw) {
      std::vector<std::string> paths = {opt.db, opt.db + "-wal", opt.db + "-shm", opt.socket};
      if (!opt.socketmap.empty()) paths.push_back(opt.socketmap);
      auto db_dir = std::filesystem::path(opt.db).parent_path();
      if (!db_dir.empty()) paths.push_back(db_dir.string());
      // The default pattern cache lives beside the database: the user reads and
      // refreshes it on reloads. (A --cache-dir given explicitly is the operator's.)
      std::error_code cache_ec;
      if (opt.cache_dir.empty() && matcher.cache_dir == (db_dir / "cache").string() &&
          !std::filesystem::is_symlink(matcher.cache_dir, cache_ec)) {
        paths.push_back(matcher.cache_dir);
        for (const auto& e : std::filesystem::directory_iterator(matcher.cache_dir, cache_ec))
          if (e.is_regular_file(cache_ec) && !e.is_symlink(cache_ec)) paths.push_back(e.path().string());
      }
      for (const std::string& p : paths) {
        if (chown(p.c_str(), pw->pw_uid, static_cast<gid_t>(-1)) != 0 && errno != ENOENT)
          spdlog::warn("cannot give {} to {}", p, opt.user);
      }
    }
    if (!drop_privileges(opt.user)) return 77;
  }

  auto reload = [&]() -> std::string {
    std::string error;
    // A reload runs on a loop that also serves clients: Hyperscan only from the cache
    // (`bouncectl rules lint` fills it), else the RE2::Set alone.
    MatcherOptions quick = matcher;
    quick.compile = false;
    auto fresh = load_classifier(opt.rules, quick, error);
    if (!fresh) {
      spdlog::error("reload: keeping the old rules: {}", error);
      return error;
    }
    server.set_classifier(fresh);
    return {};
  };
  server.on_reload = reload;

  boost::asio::signal_set signals(loops.main(), SIGHUP, SIGTERM, SIGINT);
  std::function<void(const boost::system::error_code&, int)> on_signal;
  std::thread drainer;
  on_signal = [&](const boost::system::error_code& e, int sig) {
    if (e) return;
    if (sig == SIGHUP) {
      spdlog::info("SIGHUP: reloading rules from {}", opt.rules);
      reload();
      signals.async_wait(on_signal);
      return;
    }
    spdlog::info("stopping: finishing what is in flight");
    server.stop();
    if (socketmap) socketmap->stop();
    drainer = std::thread([&] {
      writer.stop();
      auto t = std::make_shared<boost::asio::steady_timer>(loops.main(), std::chrono::milliseconds(300));
      boost::asio::post(loops.main(), [t, &loops] { t->async_wait([&loops](const boost::system::error_code&) { loops.stop(); }); });
    });
  };
  signals.async_wait(on_signal);

  // A snapshot kept by a read connection that has gone idle is let go within a second,
  // so that it never holds back a checkpoint for long (store/snapshot_gate.h).
  boost::asio::steady_timer idle_snapshots(loops.main());
  std::function<void(const boost::system::error_code&)> let_go =
      [&](const boost::system::error_code& e) {
        if (e) return;
        release_snapshots();
        idle_snapshots.expires_after(std::chrono::seconds(1));
        idle_snapshots.async_wait(let_go);
      };
  if (keep) let_go({});

  spdlog::info("bounced {} ready: db {}, socket {}, rules {}, {} I/O threads, {}", BOUNCED_VERSION, opt.db,
               opt.socket, opt.rules, threads, allocator_name());
  loops.run([](std::size_t i) { ReaderPool::bind_thread(i); });
  if (drainer.joinable()) drainer.join();
  writer.stop();
  spdlog::info("stopped");
  return 0;
}
