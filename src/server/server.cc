// server.cc - sessions on the Unix socket: request lines, INGEST payloads, replies.
#include "server/server.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>

#include "common/json.h"
#include "parse/parser.h"
#include "server/idle_watch.h"
#include "server/protocol.h"
#include "server/replies.h"
#include "server/write_now.h"

namespace bounced {

namespace asio = boost::asio;
using local = asio::local::stream_protocol;

class Server::Session : public std::enable_shared_from_this<Server::Session> {
 public:
  Session(Server& server, local::socket sock)
      : server_(server), sock_(std::move(sock)),
        idle_(sock_.get_executor(), std::chrono::seconds(server.cfg_.client_timeout_seconds)),
        buf_(kMaxRequestLine + 1) {}

  auto executor() { return sock_.get_executor(); }

  void start() {
    if (!peer_credentials(sock_.native_handle(), peer_)) {
      spdlog::warn("socket: cannot read peer credentials; closing");
      return;
    }
    boost::system::error_code ec;
    sock_.non_blocking(true, ec);  // replies are written at once when they fit (write_now)
    std::weak_ptr<Session> weak = shared_from_this();
    idle_.start(weak, [weak] {
      if (auto self = weak.lock()) {
        boost::system::error_code ignored;
        self->sock_.close(ignored);
      }
    });
    read_line();
  }

 private:
  void read_line() {
    idle_.touch();
    auto self = shared_from_this();
    asio::async_read_until(sock_, buf_, '\n', [self](const boost::system::error_code& ec, std::size_t n) {
      if (ec) {
        if (ec == asio::error::not_found)
          return self->reply_and_close(err_reply("usage", "request line too long"));
        self->finish();  // the client went away (or timed out)
        return;
      }
      std::string line(asio::buffers_begin(self->buf_.data()), asio::buffers_begin(self->buf_.data()) + static_cast<std::ptrdiff_t>(n) - 1);
      self->buf_.consume(n);
      self->handle(line);
    });
  }

  void write(std::string reply, bool close_after) {
    auto self = shared_from_this();
    idle_.touch();  // the time spent answering is not the client's idleness
    write_now(sock_, std::make_shared<std::string>(std::move(reply)), [self] { self->idle_.touch(); },
              [self, close_after](const boost::system::error_code& ec) {
      if (ec || close_after) {
        boost::system::error_code ignored;
        self->sock_.shutdown(local::socket::shutdown_both, ignored);
        self->sock_.close(ignored);
        self->idle_.cancel();
        return;
      }
      self->read_line();
    });
  }

  void reply_and_close(std::string reply) { write(std::move(reply), true); }

  void finish() {
    boost::system::error_code ignored;
    idle_.cancel();
    sock_.close(ignored);
  }

  void handle(const std::string& line) {
    Request req = parse_request(line, server_.cfg_.max_message_bytes);
    if (req.verb == Verb::kInvalid) return write(err_reply("usage", req.error), false);
    if (!allowed(server_.cfg_.access, peer_, role_of(req.verb))) {
      spdlog::warn("socket: uid {} pid {} denied '{}'", peer_.uid, peer_.pid, line.substr(0, 60));
      return write(err_reply("denied", "not permitted for this user"), false);
    }
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    try {
      switch (req.verb) {
        case Verb::kIngest: return read_payload(req.length);
        case Verb::kStatus: return write(ok_reply(status_array_json(server_.readers_.local().status(req.args, now))), false);
        case Verb::kHistory: return write(ok_reply(history_json(server_.readers_.local().history(req.args[0]))), false);
        case Verb::kExport:
          return write(ok_reply(status_array_json(server_.readers_.local().list_state(req.args[0] == "hard" ? AddressState::kHard : AddressState::kSoft, now))), false);
        case Verb::kStats: return write(ok_reply(stats_json(server_.readers_.local().stats(), server_.writer_.commits())), false);
        case Verb::kPing: return write(ok_reply("{}"), false);
        case Verb::kActivity: return submit_admin_write(req, now);
        case Verb::kUnsuppress: return submit_admin_write(req, now);
        case Verb::kReload: {
          std::string err = server_.on_reload ? server_.on_reload() : "reload not available";
          if (!err.empty()) return write(err_reply("rules", err), false);
          return write(ok_reply("{\"reloaded\":true}"), false);
        }
        case Verb::kInvalid: break;
      }
    } catch (const std::exception& e) {
      spdlog::error("socket: {}", e.what());
      return write(err_reply("tempfail", e.what()), false);
    }
  }

  // ACTIVITY and UNSUPPRESS go through the writer too: one thread owns all writes.
  void submit_admin_write(const Request& req, std::int64_t now) {
    auto self = shared_from_this();
    auto changed = std::make_shared<bool>(false);
    const Verb verb = req.verb;
    const std::vector<std::string> args = req.args;
    WriteJob job;
    job.task = [verb, args, now, changed](Store& s) {
      if (verb == Verb::kActivity) s.record_activity(args, now);
      else *changed = s.unsuppress(args[0], now);
    };
    job.done = [self, verb, args, changed](const IngestOutcome*, const std::string& error) {
      std::string reply;
      if (!error.empty()) {
        reply = err_reply("tempfail", error);
      } else if (verb == Verb::kActivity) {
        reply = ok_reply("{\"recorded\":" + std::to_string(args.size()) + "}");
      } else {
        spdlog::info("unsuppress {} by uid {}: {}", args[0], self->peer_.uid, *changed ? "reset" : "was not suppressed");
        reply = ok_reply(std::string("{\"changed\":") + (*changed ? "true" : "false") + "}");
      }
      asio::post(self->sock_.get_executor(), [self, reply] { self->write(reply, false); });
    };
    server_.writer_.submit(std::move(job));
  }

  void read_payload(std::size_t length) {
    auto self = shared_from_this();
    std::size_t have = std::min(buf_.size(), length);
    auto payload = std::make_shared<std::string>(asio::buffers_begin(buf_.data()), asio::buffers_begin(buf_.data()) + static_cast<std::ptrdiff_t>(have));
    buf_.consume(have);
    payload->resize(length);
    if (have == length) return ingest(payload);
    idle_.touch();
    asio::async_read(sock_, asio::buffer(payload->data() + have, length - have),
                     [self, payload](const boost::system::error_code& ec, std::size_t) {
                       if (ec) return self->finish();  // client went away: nothing acknowledged
                       self->ingest(payload);
                     });
  }

  void ingest(const std::shared_ptr<std::string>& payload) {
    auto classifier = server_.classifier();
    ParseOptions opt;
    opt.classifier = classifier.get();
    opt.verp_prefix = server_.cfg_.verp_prefix;
    opt.verp_delimiter = server_.cfg_.verp_delimiter;
    ParseResult res;
    std::string flag;
    try {
      res = parse_message(*payload, opt);
      if (res.report.kind == ReportKind::kNone) flag = "unparsed";
      else if (res.report.recipients.empty()) flag = "norecipient";
      else if (!res.warnings.empty()) flag = "truncated";
    } catch (const std::exception& e) {
      spdlog::warn("ingest: parser failed ({}); message kept for review", e.what());
      res = ParseResult{};
      flag = "unparsed";
    }
    auto self = shared_from_this();
    WriteJob job;
    job.raw = std::move(*payload);
    job.report = std::move(res.report);
    job.flag = flag;
    std::string format = job.report.format;
    job.done = [self, format, flag](const IngestOutcome* out, const std::string& error) {
      std::string reply;
      if (!out) {
        spdlog::error("ingest: commit failed: {}", error);
        reply = err_reply("tempfail", "commit failed: " + error);
      } else {
        std::string line = out->duplicate ? "duplicate" : (format.empty() ? "not a report" : format);
        for (const auto& d : out->decisions) line += "; " + d;
        if (!flag.empty() && !out->duplicate) line += " [stored for review: " + flag + "]";
        spdlog::info("ingest #{}: {}", out->report_id, line);
        if (out->breaker_tripped)
          spdlog::warn("circuit breaker: many addresses at {} soft-bounce at once; not counting them", out->breaker_domain);
        JsonObject o;
        o.add_raw("report", std::to_string(out->report_id)).add_raw("duplicate", out->duplicate ? "true" : "false")
            .add("flag", flag).add_raw("recipients", std::to_string(out->decisions.size()));
        reply = ok_reply(std::move(o).str());
      }
      asio::post(self->sock_.get_executor(), [self, reply] { self->write(reply, false); });
    };
    server_.writer_.submit(std::move(job));
  }

  Server& server_;
  local::socket sock_;
  IdleWatch idle_;
  asio::streambuf buf_;
  PeerCred peer_;
};

Server::Server(IoPool& loops, ServerConfig cfg, ReaderPool& readers, Writer& writer,
               std::shared_ptr<const Classifier> classifier)
    : loops_(loops), cfg_(std::move(cfg)), readers_(readers), writer_(writer), classifier_(std::move(classifier)) {}

void Server::start() {
  ::unlink(cfg_.socket_path.c_str());
  acceptor_ = std::make_unique<local::acceptor>(loops_.main(), local::endpoint(cfg_.socket_path));
  accept();
}

void Server::stop() {
  if (!acceptor_) return;
  // The acceptor belongs to the main loop: close it there, not under a pending accept.
  asio::post(acceptor_->get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_->close(ignored);
    ::unlink(cfg_.socket_path.c_str());
  });
}

void Server::accept() {
  // Each session goes to the next loop and stays there: its handlers run on one thread,
  // one at a time, while different sessions share out the I/O threads.
  acceptor_->async_accept(loops_.next(), [this](const boost::system::error_code& ec, local::socket sock) {
    if (ec) {
      if (ec != asio::error::operation_aborted) {
        spdlog::warn("socket: accept failed: {}", ec.message());
        accept();
      }
      return;
    }
    // Started on its own loop, like everything else the session does.
    auto session = std::make_shared<Session>(*this, std::move(sock));
    asio::post(session->executor(), [session] { session->start(); });
    accept();
  });
}

}  // namespace bounced
