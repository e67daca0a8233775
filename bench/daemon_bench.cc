// daemon_bench.cc - ingest and query figures against a running bounced, and a
// generator that fills a store with N addresses.
//
//   bounced_bench fill DB N                    N addresses (10% hard, 20% soft with events)
//   bounced_bench ingest SOCKET CLIENTS COUNT  COUNT reports from CLIENTS concurrent clients
//   bounced_bench query SOCKET CLIENTS SECONDS N [BATCH]  STATUS requests for random addresses
//                                              (one thread per client; with --one-thread,
//                                              one epoll thread drives all the connections)
#include <sqlite3.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite_store.h"

using namespace bounced;
using Clock = std::chrono::steady_clock;

namespace {

std::string address(std::uint64_t i) {
  return std::string("user") + std::to_string(i) + std::string("@example") + std::to_string(i % 1000) + ".com";
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

std::string report(std::uint64_t n) {
  std::string rcpt = address(n);
  return "From: MAILER-DAEMON@mx.example.net\nTo: bounces@example.com\nSubject: failure\nMIME-Version: 1.0\n"
         "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n"
         "--b\nContent-Type: text/plain\n\nfailed\n\n--b\nContent-Type: message/delivery-status\n\n"
         "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; " + rcpt +
         "\nAction: failed\nStatus: 5.2.2\nDiagnostic-Code: smtp; 552 5.2.2 mailbox full\n\n" +
         std::string("--b\nContent-Type: text/rfc822-headers\n\nMessage-ID: <bench-") + std::to_string(n) +
         "@example.com>\nTo: " + rcpt + "\n\n--b--\n";
}

}  // namespace

int bench_fill(const std::string& db, std::uint64_t n) {
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
      std::cerr << "  " << (i + 1) << " addresses\n";
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
  std::cout << "fill: " << n << " addresses in " << s << " s; store " << bytes / 1048576 << " MiB, "
            << static_cast<double>(bytes) / static_cast<double>(n) << " bytes per address\n";
  return 0;
}

int bench_ingest(const std::string& sock, int clients, int count) {
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
        std::string msg = report(base + static_cast<std::uint64_t>(i));
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
  std::cout << "ingest: " << count << " reports, " << clients << " clients: " << static_cast<long>(count / secs)
            << " reports/s durable; ack p50 " << pct(all, 0.5) << " ms, p99 " << pct(all, 0.99) << " ms; errors "
            << errors << "\n";
  return errors ? 1 : 0;
}

void report_query(const char* driver, int clients, int batch, std::uint64_t n, double seconds, long answers,
                  std::vector<double>& all, long errors) {
  std::cout << "query (" << driver << "): " << clients << " clients, batch " << batch << ", " << n << " addresses: "
            << static_cast<long>(static_cast<double>(answers) / seconds) << " answers/s; request p50 " << pct(all, 0.5)
            << " ms, p99 " << pct(all, 0.99) << " ms, p99.9 " << pct(all, 0.999) << " ms; errors " << errors << "\n";
}

// All connections from one thread: each has one request outstanding and sends the next
// as soon as its answer is complete. The load generator then costs one thread, not
// CLIENTS threads contending for the same cores as the daemon.
int bench_query_one_thread(const std::string& sock, int clients, double seconds, std::uint64_t n, int batch) {
  struct Conn {
    int fd = -1;
    Clock::time_point sent;
    std::string in;
  };
  std::mt19937_64 rng(7919);
  std::vector<Conn> conns(static_cast<std::size_t>(clients));
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  long answers = 0, errors = 0;
  std::vector<double> lat;
  auto send_next = [&](Conn& c) {
    std::string req = "STATUS";
    for (int k = 0; k < batch; ++k) req.append(" ").append(address(rng() % n));
    req += "\n";
    c.sent = Clock::now();
    return send_all(c.fd, req);
  };
  for (std::size_t i = 0; i < conns.size(); ++i) {
    conns[i].fd = connect_unix(sock);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    if (conns[i].fd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev) != 0 || !send_next(conns[i])) {
      std::cerr << "cannot connect to " << sock << "\n";
      return 1;
    }
  }
  const auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<epoll_event> events(conns.size());
  char chunk[65536];
  while (Clock::now() < end && errors == 0) {
    const int k = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
    for (int e = 0; e < k; ++e) {
      Conn& c = conns[events[static_cast<std::size_t>(e)].data.u64];
      const ssize_t got = recv(c.fd, chunk, sizeof chunk, 0);
      if (got <= 0) {
        ++errors;
        continue;
      }
      c.in.append(chunk, static_cast<std::size_t>(got));
      const std::size_t nl = c.in.find('\n');
      if (nl == std::string::npos) continue;
      if (!c.in.starts_with("OK")) ++errors;
      c.in.erase(0, nl + 1);
      lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - c.sent).count());
      answers += batch;
      if (!send_next(c)) ++errors;
    }
  }
  for (auto& c : conns) close(c.fd);
  close(ep);
  report_query("one thread", clients, batch, n, seconds, answers, lat, errors);
  return errors ? 1 : 0;
}

int bench_query(const std::string& sock, int clients, double seconds, std::uint64_t n, int batch, bool one_thread) {
  if (one_thread) return bench_query_one_thread(sock, clients, seconds, n, batch);
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
        std::string req = "STATUS";
        for (int k = 0; k < batch; ++k) req.append(" ").append(address(rng() % n));
        req += "\n";
        auto s = Clock::now();
        if (!send_all(fd, req) || !read_line(fd, buf, line) || !line.starts_with("OK")) {
          ++errors;
          break;
        }
        lat[static_cast<std::size_t>(c)].push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
        answers += batch;
      }
      close(fd);
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : ts) t.join();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  report_query("a thread per client", clients, batch, n, seconds, answers.load(), all, errors.load());
  return errors ? 1 : 0;
}
