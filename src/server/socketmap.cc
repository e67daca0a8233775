// socketmap.cc - netstring socketmap server for Postfix lookups.
#include "server/socketmap.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <ctime>

#include "common/address.h"
#include "common/strutil.h"
#include "server/idle_watch.h"
#include "server/replies.h"
#include "server/write_now.h"

namespace bounced {

namespace asio = boost::asio;
using local = asio::local::stream_protocol;

constexpr std::size_t kMaxNetstring = 100000;  // Postfix's own socketmap limit

long parse_netstring(std::string_view buf, std::string& payload, std::size_t max_len) {
  std::size_t i = 0, len = 0;
  while (i < buf.size() && buf[i] >= '0' && buf[i] <= '9') {
    len = len * 10 + static_cast<std::size_t>(buf[i] - '0');
    if (len > max_len || ++i > 7) return -1;
  }
  if (i == buf.size()) return 0;
  if (i == 0 || buf[i] != ':') return -1;
  if (buf.size() < i + 1 + len + 1) return 0;
  if (buf[i + 1 + len] != ',') return -1;
  payload.assign(buf.substr(i + 1, len));
  return static_cast<long>(i + 1 + len + 1);
}

std::string netstring(std::string_view s) { return std::to_string(s.size()) + ":" + std::string(s) + ","; }

std::string socketmap_answer(Store& store, std::string_view request, int defer_at_remaining) {
  std::size_t sp = request.find(' ');
  if (sp == std::string_view::npos) return "PERM malformed request";
  std::string_view map = request.substr(0, sp);
  std::string_view key = request.substr(sp + 1);
  if (map != "suppressed" && map != "suppressed-transport") return "PERM unknown map " + std::string(map.substr(0, 64));
  if (key.find('@') == std::string_view::npos) return "NOTFOUND ";  // domain or local-part probes
  std::string addr = normalize_address(key);
  if (addr.empty()) return "NOTFOUND ";
  try {
    auto st = store.status({addr}, static_cast<std::int64_t>(std::time(nullptr)));
    const AddressStatus& s = st.front();
    if (s.state == AddressState::kHard) {
      std::string code = s.reason == "hostunknown" ? "5.1.2" : "5.1.1";
      std::string text = code + " <" + addr + ">: recipient suppressed by bounced (" + s.reason + " since " + iso_time(s.since) + ")";
      return map == "suppressed" ? "OK REJECT " + text : "OK error:" + text;
    }
    if (map == "suppressed" && defer_at_remaining > 0 && s.state == AddressState::kSoft &&
        s.threshold - s.soft_count <= defer_at_remaining)
      return "OK DEFER_IF_PERMIT 4.2.0 <" + addr + ">: recipient near its soft-bounce limit (bounced)";
    return "NOTFOUND ";
  } catch (const std::exception& e) {
    return "TEMP bounced store: " + std::string(e.what()).substr(0, 200);
  }
}

class SocketmapServer::Session : public std::enable_shared_from_this<SocketmapServer::Session> {
 public:
  // Postfix's own idle limit is 10 s; be lenient.
  Session(SocketmapServer& srv, local::socket s)
      : srv_(srv), sock_(std::move(s)), idle_(sock_.get_executor(), std::chrono::seconds(100)) {}
  auto executor() { return sock_.get_executor(); }
  void start() {
    boost::system::error_code ec;
    sock_.non_blocking(true, ec);  // replies are written at once when they fit (write_now)
    std::weak_ptr<Session> weak = shared_from_this();
    idle_.start(weak, [weak] {
      if (auto self = weak.lock()) {
        boost::system::error_code ig;
        self->sock_.close(ig);
      }
    });
    read();
  }

 private:
  void read() {
    idle_.touch();
    auto self = shared_from_this();
    sock_.async_read_some(asio::buffer(chunk_), [self](const boost::system::error_code& ec, std::size_t n) {
      if (ec) {
        boost::system::error_code ig;
        self->idle_.cancel();
        self->sock_.close(ig);
        return;
      }
      self->buf_.append(self->chunk_.data(), n);
      self->drain();
    });
  }

  void drain() {
    std::string out;
    for (;;) {
      std::string req;
      long used = parse_netstring(buf_, req, kMaxNetstring);
      if (used < 0) {
        out += netstring("PERM malformed netstring");
        write(out, true);
        return;
      }
      if (used == 0) break;
      buf_.erase(0, static_cast<std::size_t>(used));
      out += netstring(socketmap_answer(srv_.readers_.local(), req, srv_.defer_at_remaining_));
    }
    if (buf_.size() > kMaxNetstring + 16) {
      write(netstring("PERM request too long"), true);
      return;
    }
    if (out.empty()) return read();
    write(out, false);
  }

  void write(const std::string& data, bool close) {
    auto self = shared_from_this();
    idle_.touch();  // the time spent answering is not the client's idleness
    write_now(sock_, std::make_shared<std::string>(data), [self] { self->idle_.touch(); },
              [self, close](const boost::system::error_code& ec) {
      if (ec || close) {
        boost::system::error_code ig;
        self->sock_.close(ig);
        self->idle_.cancel();
        return;
      }
      self->read();
    });
  }

  SocketmapServer& srv_;
  local::socket sock_;
  IdleWatch idle_;
  std::array<char, 4096> chunk_{};
  std::string buf_;
};

SocketmapServer::SocketmapServer(IoPool& loops, std::string path, ReaderPool& readers, int defer_at_remaining)
    : loops_(loops), path_(std::move(path)), readers_(readers), defer_at_remaining_(defer_at_remaining) {}

void SocketmapServer::start() {
  ::unlink(path_.c_str());
  acceptor_ = std::make_unique<local::acceptor>(loops_.main(), local::endpoint(path_));
  accept();
}

void SocketmapServer::stop() {
  if (!acceptor_) return;
  asio::post(acceptor_->get_executor(), [this] {
    boost::system::error_code ig;
    acceptor_->close(ig);
    ::unlink(path_.c_str());
  });
}

void SocketmapServer::accept() {
  acceptor_->async_accept(loops_.next(), [this](const boost::system::error_code& ec, local::socket s) {
    if (ec) {
      if (ec != asio::error::operation_aborted) accept();
      return;
    }
    // Started on its own loop, like everything else the session does.
    auto session = std::make_shared<Session>(*this, std::move(s));
    asio::post(session->executor(), [session] { session->start(); });
    accept();
  });
}

}  // namespace bounced
