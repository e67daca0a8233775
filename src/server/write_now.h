// write_now.h - a reply written at once when the socket takes it (the usual case for
// a short answer to a waiting client), else the rest asynchronously. The common case
// then costs one send and no completion hand-off through the event loop (which was an
// extra epoll round per request). The socket must be in non-blocking mode, so a client
// that does not read its answers never blocks the loop.
#pragma once
#include <utility>  // Boost 1.74 Asio needs std::exchange declared first (C++20)
#include <boost/asio.hpp>

#include <memory>
#include <string>

namespace bounced {

// Writes the rest of *data from offset at as the socket takes it, calling progress()
// after each part (a client that reads slowly is not idle).
template <class Socket, class Progress, class Done>
void write_rest(Socket& sock, std::shared_ptr<std::string> data, std::size_t at, Progress progress, Done done) {
  sock.async_write_some(boost::asio::buffer(data->data() + at, data->size() - at),
                        [&sock, data, at, progress, done](const boost::system::error_code& ec, std::size_t n) {
                          if (ec) return done(ec);
                          progress();
                          if (at + n >= data->size()) return done(ec);
                          write_rest(sock, data, at + n, progress, done);
                        });
}

// Calls done(error) once all of *data is written or writing failed: inline when the
// socket took everything at once, from the socket's loop otherwise. The callbacks
// must keep the socket's owner alive.
template <class Socket, class Progress, class Done>
void write_now(Socket& sock, std::shared_ptr<std::string> data, Progress progress, Done done) {
  boost::system::error_code ec;
  std::size_t n = 0;
  while (n < data->size()) {
    n += sock.write_some(boost::asio::buffer(data->data() + n, data->size() - n), ec);
    if (ec == boost::asio::error::interrupted) continue;
    if (ec) break;
  }
  if (!ec || (ec != boost::asio::error::would_block && ec != boost::asio::error::try_again)) return done(ec);
  write_rest(sock, std::move(data), n, progress, done);
}

}  // namespace bounced
