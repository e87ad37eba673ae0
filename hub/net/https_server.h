#pragma once
// The hub's one HTTP(S) server, around Poco::Net::HTTPServer: the API
// (hub/api) and every sandbox run on it. HTTPS on a SecureServerSocket
// (TLS >= 1.2, HIGH ciphers) when a certificate is given, plain HTTP
// otherwise (callers allow that on loopback only). Each request is read
// whole (bodies up to maxBodyBytes, else 413) — or, when streamBody gives a
// sink for it, handed to that sink in pieces — and passed to one handler
// function that returns the whole response; an optional head check answers
// before the body is read (authentication, backpressure).
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "hub/net/connection_guard.h"
#include "hub/net/http_types.h"

namespace Poco {
class ThreadPool;
}
namespace Poco::Net {
class TCPServer;
}

namespace reghub::net {

// Called on the server's worker threads, possibly concurrently: must be
// thread-safe. An exception escaping it becomes a 500 answer.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;
// Called with the request's head (no body yet), on the worker threads: an
// answer here is sent at once and the connection closed (its body is never
// read); std::nullopt lets the request go on to the handler.
using HttpHeadCheck = std::function<std::optional<HttpResponse>(const HttpRequest&)>;
// Called once a request is answered (by the head check, the body limit or
// the handler), on the worker thread: the request (its body when read), the
// status sent, the request id (also sent as X-Request-Id) and how long it
// took from the complete head. Must be thread-safe and must not throw.
// Called after the head check: a sink for this request's body (it is then
// streamed in pieces, HttpRequest::bodySink), or null to read it whole.
using HttpBodyStreamer = std::function<std::shared_ptr<BodySink>(const HttpRequest&)>;
using HttpAnswered = std::function<void(const HttpRequest&, int status, const std::string& requestId,
                                        std::chrono::microseconds elapsed)>;

struct HttpsServerOptions {
  std::string host = "127.0.0.1";  // loopback only by default
  int port = 0;                    // 0 = any free port
  std::string certFile;            // PEM server certificate (chain); empty = plain HTTP
  std::string keyFile;             // PEM private key
  // PEM CA file: a client certificate presented in the handshake is
  // verified against it (HttpRequest::clientCertificate). Empty = none asked.
  std::string caFile;
  // A kept-alive connection holds its thread until it idles out
  // (idleTimeout): this many clients are served at once, the rest queue.
  // 32: three `reghub run` processes of 4 workers each, every worker keeping
  // a connection per registry, plus room (4 left 8 of 12 workers waiting
  // 10 s each: 26 instead of 770 messages/s; docs/PERFORMANCE.md).
  int maxThreads = 32;
  int maxQueued = 64;  // connections waiting for a thread
  // The longest wait for one read or write on a connection (and between
  // kept-alive requests).
  std::chrono::milliseconds idleTimeout{10000};
  // Deadlines and per-client limits (connection_guard.h). maxConnections
  // is capped at maxThreads + maxQueued.
  ConnectionLimits limits;
  size_t maxBodyBytes = 64u << 20;
  // The answer to a body over maxBodyBytes (the connection is closed after it).
  HttpResponse tooLarge{413, "text/plain", "request body too large", {}, false};
  HttpHeadCheck headCheck;  // optional
  HttpBodyStreamer streamBody;  // optional; maxBodyBytes holds for streamed bodies too
  size_t streamPieceBytes = 1u << 20;
  HttpAnswered answered;    // optional (the service's request log)
  // stop(): true aborts open connections at once (sandboxes, tests); false
  // lets each connection finish the request it is answering (the service).
  bool abortOnStop = true;
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
  // Idempotent while running.
  void start();
  // Stops accepting, closes open connections (see abortOnStop) and waits
  // until no handler call is running (so what the handler captured may be
  // destroyed afterwards). Idempotent.
  void stop();
  int port() const { return port_; }
  bool tls() const { return !options_.certFile.empty(); }
  std::string baseUrl() const;  // "https://127.0.0.1:<port>" ("http://" without TLS)
  // Connections evicted, refused and timed out so far (zeros before start()).
  ConnectionCounts connectionCounts() const;

  struct State;  // shared with the connection threads

 private:
  HttpsServerOptions options_;
  HttpHandler handler_;
  std::shared_ptr<State> state_;
  // Declared in the order they are needed: the server uses the pool and the
  // guard, so it is destroyed first.
  std::function<void(bool abort)> stopper_;  // tells the open connections the server stops
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::TCPServer> server_;
  int port_ = 0;
};

}  // namespace reghub::net
