// daemon_bench.cc - ingest and query figures against a running bounced, and a
// generator that fills a store with N addresses.
//
//   bounced_bench fill DB N                    N addresses (10% hard, 20% soft with events)
//   bounced_bench ingest SOCKET CLIENTS COUNT  COUNT reports from CLIENTS concurrent clients
//   bounced_bench query SOCKET CLIENTS SECONDS N [BATCH]  STATUS requests for random addresses
//                                              (one thread per client; with --one-thread,
//                                              one epoll thread drives all the connections;
//                                              with --rate R, that thread offers R requests
//                                              a second whatever the answers' pace; with
//                                              --ping, PING requests: the socket alone)
// Each prints the machine; with --json, one JSON line per figure set. ingest and query
// also print the daemon's memory (VmRSS, VmHWM), read through the socket's peer.
#include <sqlite3.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "machine.h"
#include "store/sqlite_store.h"

using namespace bounced;
using bounced::bench::bench_json;
using bounced::bench::daemon_memory;
using bounced::bench::machine_line;
using bounced::bench::num;
using Clock = std::chrono::steady_clock;

namespace {

// The fill's addresses spread over 1000 domains; ingested reports may use fewer.
std::string address(std::uint64_t i, std::uint64_t domains = 1000) {
  return std::string("user") + std::to_string(i) + std::string("@example") +
         std::to_string(i % domains) + ".com";
}

int connect_unix(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

bool read_line(int fd, std::string& buf, std::string& line) {
  for (;;) {
    std::size_t nl = buf.find('\n');
    if (nl != std::string::npos) {
      line = buf.substr(0, nl);
      buf.erase(0, nl + 1);
      return true;
    }
    char tmp[65536];
    ssize_t n = read(fd, tmp, sizeof tmp);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<std::size_t>(n));
  }
}

double pct(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::size_t k = std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

std::string report(std::uint64_t n, std::uint64_t domains) {
  std::string rcpt = address(n, domains);
  return "From: MAILER-DAEMON@mx.example.net\nTo: bounces@example.com\nSubject: failure\nMIME-Version: 1.0\n"
         "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n"
         "--b\nContent-Type: text/plain\n\nfailed\n\n--b\nContent-Type: message/delivery-status\n\n"
         "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; " + rcpt +
         "\nAction: failed\nStatus: 5.2.2\nDiagnostic-Code: smtp; 552 5.2.2 mailbox full\n\n" +
         std::string("--b\nContent-Type: text/rfc822-headers\n\nMessage-ID: <bench-") + std::to_string(n) +
         "@example.com>\nTo: " + rcpt + "\n\n--b--\n";
}

}  // namespace

int bench_fill(const std::string& db, std::uint64_t n, bool json) {
  { SqliteStore s(db, CountingPolicy{}); }  // create and migrate
  sqlite3* h = nullptr;
  sqlite3_open(db.c_str(), &h);
  sqlite3_exec(h, "PRAGMA synchronous=OFF; BEGIN", nullptr, nullptr, nullptr);
  sqlite3_exec(h, "INSERT OR IGNORE INTO reports(id, hash, received, size) VALUES(1, x'00', 0, 0)", nullptr, nullptr, nullptr);
  sqlite3_stmt* a = nullptr;
  sqlite3_stmt* e = nullptr;
  sqlite3_prepare_v2(h, "INSERT OR REPLACE INTO addresses(address, state, first_bounce, last_bounce, hard_since, hard_reason, hard_cause) VALUES(?1,?2,?3,?3,?4,?5,?6)", -1, &a, nullptr);
  sqlite3_prepare_v2(h, "INSERT INTO events(report_id, ts, address, domain, action, status, reply_code, reason, class, diagnostic, remote_mta, format, rule, message_key, counted, note) VALUES(1,?1,?2,?3,'failed','5.2.2','552','mailboxfull','soft','552 5.2.2 mailbox full','mx.example.net','rfc3464','50-mailboxfull.toml:mailbox-full',?4,1,'')", -1, &e, nullptr);
  auto t0 = Clock::now();
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string addr = address(i);
    int state = (i % 10 == 0) ? 2 : ((i % 10 < 3) ? 1 : 0);
    sqlite3_bind_text(a, 1, addr.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(a, 2, state);
    sqlite3_bind_int64(a, 3, state ? now : 0);
    sqlite3_bind_int64(a, 4, state == 2 ? now : 0);
    sqlite3_bind_text(a, 5, state == 2 ? "userunknown" : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(a, 6, state == 2 ? "hard-bounce" : "", -1, SQLITE_STATIC);
    sqlite3_step(a);
    sqlite3_reset(a);
    if (state == 1) {
      std::string dom = addr.substr(addr.find('@') + 1);
      std::string key = std::string("<fill-") + std::to_string(i) + "@example.com>";
      sqlite3_bind_int64(e, 1, now - static_cast<std::int64_t>(i % 90) * 86400 - 3600);  // spread over the window
      sqlite3_bind_text(e, 2, addr.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(e, 3, dom.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(e, 4, key.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_step(e);
      sqlite3_reset(e);
    }
    if (i % 1000000 == 999999) {
      sqlite3_exec(h, "COMMIT; BEGIN", nullptr, nullptr, nullptr);
      if (!json) std::cerr << "  " << (i + 1) << " addresses\n";
    }
  }
  sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_finalize(a);
  sqlite3_finalize(e);
  sqlite3_exec(h, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
  sqlite3_close(h);
  double s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::uintmax_t bytes = 0;
  for (const std::string& f : {db, db + "-wal"}) {
    FILE* fp = fopen(f.c_str(), "rb");
    if (fp) {
      fseek(fp, 0, SEEK_END);
      bytes += static_cast<std::uintmax_t>(ftell(fp));
      fclose(fp);
    }
  }
  const double per =
      static_cast<double>(bytes) / static_cast<double>(std::max<std::uint64_t>(1, n));
  if (json) {
    JsonObject o = bench_json("fill");
    o.add_raw("addresses", std::to_string(n))
        .add_raw("seconds", num(s))
        .add_raw("store_bytes", std::to_string(bytes))
        .add_raw("bytes_per_address", num(per));
    std::cout << std::move(o).str() << "\n";
  } else {
    std::cout << machine_line() << "\n"
              << "fill: " << n << " addresses in " << s << " s; store " << bytes / 1048576
              << " MiB, " << per << " bytes per address\n";
  }
  return 0;
}

namespace {

// The daemon's memory as the benchmark leaves it, through a connection of its own.
void add_daemon_memory(const std::string& sock, JsonObject* o) {
  const int fd = connect_unix(sock);
  if (fd < 0) return;
  const bench::DaemonMemory m = daemon_memory(fd);
  close(fd);
  if (m.pid == 0 || m.peak_kib == 0) {
    if (!o) std::cout << "daemon memory: not readable (/proc of the daemon's process)\n";
    return;
  }
  if (o)
    o->add_raw("daemon_rss_kib", std::to_string(m.rss_kib))
        .add_raw("daemon_peak_rss_kib", std::to_string(m.peak_kib));
  else
    std::cout << "daemon (pid " << m.pid << "): RSS " << m.rss_kib / 1024 << " MB, peak "
              << m.peak_kib / 1024 << " MB\n";
}

}  // namespace

int bench_ingest(const std::string& sock, int clients, int count, int domains, bool json) {
  std::atomic<int> next{0}, errors{0};
  std::vector<std::vector<double>> lat(static_cast<std::size_t>(clients));
  const std::uint64_t base = static_cast<std::uint64_t>(std::time(nullptr)) * 1000000;
  auto t0 = Clock::now();
  std::vector<std::thread> ts;
  for (int c = 0; c < clients; ++c) {
    ts.emplace_back([&, c] {
      for (;;) {
        int i = next++;
        if (i >= count) return;
        std::string msg =
            report(base + static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(domains));
        auto s = Clock::now();
        int fd = connect_unix(sock);  // one connection per message, as pipe(8) runs bouncectl
        std::string buf, line;
        bool ok = fd >= 0 && send_all(fd, std::string("INGEST ") + std::to_string(msg.size()) + "\n" + msg) &&
                  read_line(fd, buf, line) && line.starts_with("OK");
        if (fd >= 0) close(fd);
        if (!ok) ++errors;
        lat[static_cast<std::size_t>(c)].push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
      }
    });
  }
  for (auto& t : ts) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  if (json) {
    JsonObject o = bench_json("ingest");
    o.add_raw("clients", std::to_string(clients))
        .add_raw("reports", std::to_string(count))
        .add_raw("domains", std::to_string(domains))
        .add_raw("reports_per_s", num(std::round(count / secs)))
        .add_raw("ack_p50_ms", num(pct(all, 0.5)))
        .add_raw("ack_p99_ms", num(pct(all, 0.99)))
        .add_raw("errors", std::to_string(errors.load()));
    add_daemon_memory(sock, &o);
    std::cout << std::move(o).str() << "\n";
  } else {
    std::cout << machine_line() << "\n"
              << "ingest: " << count << " reports to " << domains << " domains, " << clients
              << " clients: " << static_cast<long>(count / secs) << " reports/s durable; ack p50 "
              << pct(all, 0.5) << " ms, p99 " << pct(all, 0.99) << " ms; errors " << errors << "\n";
    add_daemon_memory(sock, nullptr);
  }
  return errors ? 1 : 0;
}

namespace {

// A STATUS request for batch random addresses of the n the fill wrote; batch 0 (--ping)
// is a PING, answered without the store: what the socket round trip alone costs.
std::string request(int batch, std::uint64_t n, std::mt19937_64& rng) {
  if (batch == 0) return "PING\n";
  std::string req = "STATUS";
  for (int k = 0; k < batch; ++k) req.append(" ").append(address(rng() % n));
  return req + "\n";
}

struct QueryRun {
  const char* driver;
  int clients;
  int batch;
  std::uint64_t n;
  double seconds;
  double rate;  // requests offered a second; 0: each client sends when answered
  long answers;
  long errors;
  std::vector<double>* late = nullptr;  // with a rate: how late each request was sent (ms)
};

void report_query(const std::string& sock, const QueryRun& r, std::vector<double>& lat, bool json) {
  const double per_s = std::round(static_cast<double>(r.answers) / r.seconds);
  if (json) {
    JsonObject o = bench_json(r.batch == 0 ? "ping" : "query");
    o.add("driver", r.driver)
        .add_raw("clients", std::to_string(r.clients))
        .add_raw("batch", std::to_string(r.batch))
        .add_raw("addresses", std::to_string(r.n))
        .add_raw("seconds", num(r.seconds));
    if (r.rate > 0) o.add_raw("offered_requests_per_s", num(r.rate));
    if (r.late) o.add_raw("send_late_p99_ms", num(pct(*r.late, 0.99)));
    o.add_raw("answers_per_s", num(per_s))
        .add_raw("requests", std::to_string(lat.size()))
        .add_raw("p50_ms", num(pct(lat, 0.5)))
        .add_raw("p99_ms", num(pct(lat, 0.99)))
        .add_raw("p999_ms", num(pct(lat, 0.999)))
        .add_raw("errors", std::to_string(r.errors));
    add_daemon_memory(sock, &o);
    std::cout << std::move(o).str() << "\n";
    return;
  }
  std::cout << machine_line() << "\n"
            << (r.batch == 0 ? "ping (" : "query (") << r.driver << "): " << r.clients
            << " clients";
  if (r.batch > 0) std::cout << ", batch " << r.batch << ", " << r.n << " addresses";
  if (r.rate > 0) std::cout << ", " << static_cast<long>(r.rate) << " requests/s offered";
  std::cout << ": " << static_cast<long>(per_s) << " answers/s; request p50 " << pct(lat, 0.5)
            << " ms, p99 " << pct(lat, 0.99) << " ms, p99.9 " << pct(lat, 0.999) << " ms; errors "
            << r.errors << "\n";
  if (r.late)
    std::cout << "  requests sent late by the generator itself (included above): p50 "
              << pct(*r.late, 0.5) << " ms, p99 " << pct(*r.late, 0.99) << " ms\n";
  add_daemon_memory(sock, nullptr);
}

// All connections from one thread, so that the load generator costs one thread, not
// CLIENTS threads contending for the same cores as the daemon.
// Without a rate, each connection has one request outstanding and sends the next as
// soon as its answer is complete (the most the daemon answers; the latency is then
// mostly the queue of the other connections' requests). With a rate, requests are
// offered at that rate whatever the answers' pace (an open loop: arrivals of a Poisson
// process, the sum of many independent clients, with a fixed seed), each to the next
// connection in turn, sent even while that connection's previous answer is awaited;
// a request's latency counts from the moment it was due, so a late answer or a late
// send (the generator's own delay) is never left out of the figures.
int bench_query_one_thread(const std::string& sock, int clients, double seconds, std::uint64_t n,
                           int batch, double rate, bool json) {
  struct Conn {
    int fd = -1;
    std::deque<Clock::time_point> due;  // of the requests sent and not yet answered
    std::string in;
  };
  std::mt19937_64 rng(7919);
  std::exponential_distribution<double> gap(rate > 0 ? rate : 1.0);
  std::vector<Conn> conns(static_cast<std::size_t>(clients));
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  long answers = 0, errors = 0;
  std::vector<double> lat, late;
  auto send_next = [&](Conn& c, Clock::time_point due) {
    const std::string req = request(batch, n, rng);
    c.due.push_back(due);
    if (rate > 0)
      late.push_back(std::chrono::duration<double, std::milli>(Clock::now() - due).count());
    return send_all(c.fd, req);
  };
  for (std::size_t i = 0; i < conns.size(); ++i) {
    conns[i].fd = connect_unix(sock);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    if (conns[i].fd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev) != 0 ||
        (rate <= 0 && !send_next(conns[i], Clock::now()))) {
      std::cerr << "cannot connect to " << sock << "\n";
      return 1;
    }
  }
  if (rate > 0)
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);  // wake at the due time, not up to 50 us after
  const auto start = Clock::now();
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  auto next_due = start;
  std::size_t next_conn = 0;
  std::vector<epoll_event> events(conns.size());
  char chunk[65536];
  while (errors == 0) {
    auto now = Clock::now();
    if (now >= end) break;
    timespec wait{0, 100'000'000};
    if (rate > 0) {
      for (; next_due <= now && next_due < end; now = Clock::now()) {
        Conn& c = conns[next_conn++ % conns.size()];
        if (!send_next(c, next_due)) ++errors;
        next_due +=
            std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(gap(rng)));
      }
      const auto ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(std::min(next_due, end) - now)
              .count();
      wait =
          timespec{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    }
    const int k = epoll_pwait2(ep, events.data(), static_cast<int>(events.size()), &wait, nullptr);
    for (int e = 0; e < k; ++e) {
      Conn& c = conns[events[static_cast<std::size_t>(e)].data.u64];
      const ssize_t got = recv(c.fd, chunk, sizeof chunk, 0);
      if (got <= 0) {
        ++errors;
        continue;
      }
      c.in.append(chunk, static_cast<std::size_t>(got));
      std::size_t used = 0;
      for (std::size_t nl; (nl = c.in.find('\n', used)) != std::string::npos; used = nl + 1) {
        if (c.due.empty() || c.in.compare(used, 2, "OK") != 0) {
          ++errors;
          break;
        }
        lat.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - c.due.front()).count());
        c.due.pop_front();
        answers += std::max(batch, 1);
        if (rate <= 0 && !send_next(c, Clock::now())) ++errors;
      }
      c.in.erase(0, used);
    }
  }
  // With a rate, requests still unanswered at the end count with the time they have waited so far.
  const auto stop = Clock::now();
  for (auto& c : conns) {
    if (rate > 0)
      for (const auto& d : c.due)
        lat.push_back(std::chrono::duration<double, std::milli>(stop - d).count());
    close(c.fd);
  }
  close(ep);
  report_query(
      sock,
      {"one thread", clients, batch, n, seconds, rate, answers, errors, rate > 0 ? &late : nullptr},
      lat, json);
  return errors ? 1 : 0;
}

}  // namespace

int bench_query(const std::string& sock, int clients, double seconds, std::uint64_t n, int batch,
                bool one_thread, double rate, bool json) {
  if (one_thread || rate > 0)
    return bench_query_one_thread(sock, clients, seconds, n, batch, rate, json);
  std::atomic<bool> stop{false};
  std::atomic<long> answers{0}, errors{0};
  std::vector<std::vector<double>> lat(static_cast<std::size_t>(clients));
  std::vector<std::thread> ts;
  for (int c = 0; c < clients; ++c) {
    ts.emplace_back([&, c] {
      std::mt19937_64 rng(static_cast<std::uint64_t>(c) * 7919 + 1);
      int fd = connect_unix(sock);
      if (fd < 0) {
        ++errors;
        return;
      }
      std::string buf, line;
      while (!stop) {
        const std::string req = request(batch, n, rng);
        auto s = Clock::now();
        if (!send_all(fd, req) || !read_line(fd, buf, line) || !line.starts_with("OK")) {
          ++errors;
          break;
        }
        lat[static_cast<std::size_t>(c)].push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
        answers += std::max(batch, 1);
      }
      close(fd);
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : ts) t.join();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  report_query(
      sock, {"a thread per client", clients, batch, n, seconds, 0, answers.load(), errors.load()},
      all, json);
  return errors ? 1 : 0;
}
