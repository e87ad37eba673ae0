#pragma once
// A small HTTPS server around Poco::Net::HTTPServer + SecureServerSocket,
// bound to 127.0.0.1 (port 0 = any free port). For sandboxes and tests:
// each request is read whole (bodies up to maxBodyBytes, else 413) and
// handed to one handler function that returns the whole response.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "hub/net/http_types.h"

namespace Poco::Net {
class HTTPServer;
}

namespace reghub::net {

// Called on the server's worker threads, possibly concurrently: must be
// thread-safe. An exception escaping it becomes a 500 answer.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpsServerOptions {
  std::string host = "127.0.0.1";  // loopback only by default
  int port = 0;                    // 0 = any free port
  std::string certFile;            // PEM server certificate (chain)
  std::string keyFile;             // PEM private key
  int maxThreads = 4;
  std::chrono::milliseconds idleTimeout{10000};
  size_t maxBodyBytes = 64u << 20;
};

class HttpsServer {
 public:
  // Does no I/O; start() binds.
  HttpsServer(HttpsServerOptions options, HttpHandler handler);
  ~HttpsServer();  // stops if running
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  // Loads the TLS files, binds and starts accepting. Throws Poco::Exception
  // / std::runtime_error on I/O failure (port in use, unreadable PEM).
  void start();
  // Stops accepting, aborts open connections and waits until no handler
  // call is running (so what the handler captured may be destroyed
  // afterwards). Idempotent.
  void stop();
  int port() const { return port_; }
  std::string baseUrl() const;  // "https://127.0.0.1:<port>"

  struct State;  // shared with the connection threads

 private:
  HttpsServerOptions options_;
  HttpHandler handler_;
  std::shared_ptr<State> state_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  int port_ = 0;
};

}  // namespace reghub::net
