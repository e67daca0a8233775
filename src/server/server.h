// server.h - the Unix socket server: accepts clients, reads requests, parses and
// classifies ingested messages, hands them to the writer, answers queries.
#pragma once
#include <utility>  // Boost 1.74 Asio needs std::exchange declared first (C++20)
#include <boost/asio.hpp>

#include <memory>
#include <mutex>
#include <string>

#include "classify/classifier.h"
#include "server/io_pool.h"
#include "server/permissions.h"
#include "server/writer.h"
#include "store/reader_pool.h"
#include "store/store.h"

namespace bounced {

struct ServerConfig {
  std::string socket_path;
  AccessConfig access;
  std::size_t max_message_bytes = 64u << 20;
  int client_timeout_seconds = 60;
  std::string verp_prefix = "bounces";
  char verp_delimiter = '+';
};

class Server {
 public:
  // Each session lives on one loop of the pool; readers gives each I/O thread its own
  // read connection.
  Server(IoPool& loops, ServerConfig cfg, ReaderPool& readers, Writer& writer,
         std::shared_ptr<const Classifier> classifier);
  // Binds the socket (replacing a stale one) and starts accepting.
  void start();
  // Stops accepting (safe from any thread).
  void stop();
  void set_classifier(std::shared_ptr<const Classifier> c) {
    std::lock_guard lock(classifier_mu_);
    classifier_ = std::move(c);
  }
  std::shared_ptr<const Classifier> classifier() const {
    std::lock_guard lock(classifier_mu_);
    return classifier_;
  }
  // Called for RELOAD requests; returns an error text or empty.
  std::function<std::string()> on_reload;

 private:
  class Session;
  void accept();

  IoPool& loops_;
  ServerConfig cfg_;
  ReaderPool& readers_;
  Writer& writer_;
  mutable std::mutex classifier_mu_;
  std::shared_ptr<const Classifier> classifier_;
  std::unique_ptr<boost::asio::local::stream_protocol::acceptor> acceptor_;
};

}  // namespace bounced
