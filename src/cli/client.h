// client.h - a connection to the bounced socket (synchronous Boost.Asio).
#pragma once
#include <string>

namespace bounced::cli {

// The socket path: --socket, else $BOUNCED_SOCKET, else the daemon's default.
std::string socket_path(const std::string& given);

class Client {
 public:
  // Connects; false with error set when the daemon cannot be reached.
  bool connect(const std::string& path, std::string& error);
  // Sends one request (line plus optional payload) and reads one reply line
  // (without LF). False with error set on I/O failure.
  bool call(const std::string& line, const std::string& payload, std::string& reply, std::string& error);
  ~Client();

 private:
  struct Impl;
  Impl* impl_ = nullptr;
};

}  // namespace bounced::cli
