// client.cc - synchronous client for the bounced socket.
#include "cli/client.h"

#include <utility>  // Boost 1.74 Asio needs std::exchange declared first (C++20)
#include <boost/asio.hpp>
#include <cstdlib>

namespace bounced::cli {

namespace asio = boost::asio;

struct Client::Impl {
  asio::io_context io;
  asio::local::stream_protocol::socket sock{io};
  asio::streambuf buf;
};

std::string socket_path(const std::string& given) {
  if (!given.empty()) return given;
  if (const char* env = std::getenv("BOUNCED_SOCKET"); env && *env) return env;
  return "state/bounced.sock";
}

Client::~Client() { delete impl_; }

bool Client::connect(const std::string& path, std::string& error) {
  delete impl_;
  impl_ = new Impl;
  boost::system::error_code ec;
  impl_->sock.connect(asio::local::stream_protocol::endpoint(path), ec);
  if (ec) {
    error = "cannot reach bounced at " + path + ": " + ec.message();
    return false;
  }
  return true;
}

bool Client::call(const std::string& line, const std::string& payload, std::string& reply, std::string& error) {
  if (!impl_) {
    error = "not connected";
    return false;
  }
  boost::system::error_code ec;
  std::string head = line + "\n";
  std::array<asio::const_buffer, 2> bufs{asio::buffer(head), asio::buffer(payload)};
  asio::write(impl_->sock, bufs, ec);
  if (ec) {
    error = "write: " + ec.message();
    return false;
  }
  std::size_t n = asio::read_until(impl_->sock, impl_->buf, '\n', ec);
  if (ec) {
    error = "no answer from bounced: " + ec.message();
    return false;
  }
  reply.assign(asio::buffers_begin(impl_->buf.data()), asio::buffers_begin(impl_->buf.data()) + static_cast<std::ptrdiff_t>(n) - 1);
  impl_->buf.consume(n);
  return true;
}

}  // namespace bounced::cli
