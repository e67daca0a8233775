// socketmap.h - Postfix's socketmap protocol (socketmap_table(5)) over a Unix socket,
// so that Postfix itself refuses mail to suppressed addresses.
//
// Requests and replies are netstrings. A request is "<map> <key>"; maps:
//   suppressed            for check_recipient_access: "OK REJECT 5.1.1 ..." for a hard
//                         address, NOTFOUND otherwise (optionally "OK DEFER_IF_PERMIT"
//                         near the soft limit)
//   suppressed-transport  for transport_maps: "OK error:5.1.1 ..." for a hard address
// A store failure answers "TEMP ...", never a wrong answer.
#pragma once
#include <utility>  // Boost 1.74 Asio needs std::exchange declared first (C++20)
#include <boost/asio.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "server/io_pool.h"
#include "store/reader_pool.h"
#include "store/store.h"

namespace bounced {

// Parses one netstring from the front of buf; returns bytes consumed (0 = need more,
// -1 = malformed). Payloads over max_len are malformed.
long parse_netstring(std::string_view buf, std::string& payload, std::size_t max_len);
std::string netstring(std::string_view s);

// The reply payload for one request ("OK ...", "NOTFOUND ", "TEMP ...", "PERM ...").
std::string socketmap_answer(Store& store, std::string_view request, int defer_at_remaining);

class SocketmapServer {
 public:
  SocketmapServer(IoPool& loops, std::string path, ReaderPool& readers, int defer_at_remaining);
  void start();
  void stop();

 private:
  class Session;
  void accept();
  IoPool& loops_;
  std::string path_;
  ReaderPool& readers_;
  int defer_at_remaining_;
  std::unique_ptr<boost::asio::local::stream_protocol::acceptor> acceptor_;
};

}  // namespace bounced
