#include "hub/net/https_server.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <random>
#include <istream>
#include <mutex>

namespace reghub::net {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

// Shared with Poco's connection threads, which may outlive HttpsServer::stop()
// by a moment: stop() refuses new work and waits for handlers in flight.
struct HttpsServer::State {
  HttpHandler fn;
  HttpHeadCheck headCheck;
  HttpAnswered answered;
  std::string idPrefix;  // random letters: ids of two processes differ
  std::atomic<uint64_t> requests{0};
  size_t maxBody = 0;
  HttpBodyStreamer streamBody;
  size_t pieceBytes = 1u << 20;
  HttpResponse tooLarge;
  bool tls = false;
  std::unique_ptr<ConnectionGuard> guard;
  std::mutex mu;
  std::condition_variable idle;
  int active = 0;
  bool stopping = false;
};

namespace {

using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

// Letters only: a request id never looks like a number (or a CPR).
std::string randomLetters(size_t n) {
  std::random_device rd;
  std::string out;
  for (size_t i = 0; i < n; ++i) out.push_back(static_cast<char>('a' + rd() % 26));
  return out;
}

// RFC 2253 subject and SHA-256 fingerprint of a certificate.
void describeCertificate(const X509* cert, HttpRequest& in) {
  if (BIO* bio = BIO_new(BIO_s_mem())) {
    if (X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) >= 0) {
      char* data = nullptr;
      const long n = BIO_get_mem_data(bio, &data);
      if (n > 0) in.clientCertificateSubject.assign(data, static_cast<size_t>(n));
    }
    BIO_free(bio);
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) == 1) {
    static const char* kHex = "0123456789abcdef";
    for (unsigned int i = 0; i < len; ++i) {
      in.clientCertificateSha256.push_back(kHex[md[i] >> 4]);
      in.clientCertificateSha256.push_back(kHex[md[i] & 15]);
    }
  }
}

// A client certificate the handshake verified (OpenSSL refuses the
// handshake when a presented one does not verify), with who it names.
void readClientCertificate(HTTPServerRequest& req, HttpRequest& in) {
  try {
    auto& impl = static_cast<Poco::Net::HTTPServerRequestImpl&>(req);
    Poco::Net::SecureStreamSocket secure(impl.socket());
    if (!secure.havePeerCertificate()) return;
    in.clientCertificate = true;
    const Poco::Net::X509Certificate cert = secure.peerCertificate();
    describeCertificate(cert.certificate(), in);
  } catch (const Poco::Exception&) {
    // not a secure socket
  }
}

HttpRequest requestHead(HTTPServerRequest& req, bool tls) {
  HttpRequest in;
  in.method = req.getMethod();
  in.uri = req.getURI();
  const Poco::URI uri(in.uri);
  in.path = uri.getPath();
  in.query = uri.getRawQuery();
  for (const auto& [k, v] : req) in.headers[lower(k)] = v;
  if (tls) readClientCertificate(req, in);
  return in;
}

// Reads and drops a body declared no larger than 64 KiB (within the
// connection's body deadline, like any read).
void discardSmallBody(HTTPServerRequest& req) {
  constexpr std::streamsize kSmall = 64 * 1024;
  if (!req.hasContentLength() || req.getContentLength64() > kSmall) return;
  try {
    std::istream& is = req.stream();
    char buf[8192];
    std::streamsize left = static_cast<std::streamsize>(req.getContentLength64());
    while (left > 0 && is.read(buf, std::min<std::streamsize>(left, sizeof buf))) left -= is.gcount();
  } catch (const Poco::Exception&) {
    // a timeout or a reset: the answer is sent (or fails) all the same
  }
}

// Reads the body into `in`; false when it is over `maxBody` (then partly read).
bool readBody(HTTPServerRequest& req, size_t maxBody, HttpRequest& in) {
  if (req.hasContentLength() && static_cast<size_t>(req.getContentLength64()) > maxBody) return false;
  std::istream& is = req.stream();
  char buf[65536];
  while (is.read(buf, sizeof buf) || is.gcount() > 0) {
    in.body.append(buf, static_cast<size_t>(is.gcount()));
    if (in.body.size() > maxBody) return false;
  }
  return true;
}

// Streams the body to `sink` in pieces of `pieceBytes`; false when it is over
// `maxBody` (then partly read). Only one piece is held at a time.
bool streamBody(HTTPServerRequest& req, size_t maxBody, size_t pieceBytes, BodySink& sink) {
  if (req.hasContentLength() && static_cast<size_t>(req.getContentLength64()) > maxBody) return false;
  std::istream& is = req.stream();
  std::string piece;
  size_t total = 0;
  char buf[65536];
  const auto want = [&] { return static_cast<std::streamsize>(std::min(sizeof buf, pieceBytes - piece.size())); };
  while (is.read(buf, want()) || is.gcount() > 0) {
    piece.append(buf, static_cast<size_t>(is.gcount()));
    total += static_cast<size_t>(is.gcount());
    if (total > maxBody) return false;
    if (piece.size() >= pieceBytes) {
      sink.write(piece);
      piece.clear();
    }
  }
  if (!piece.empty() || total == 0) sink.write(piece);
  return true;
}

void send(HTTPServerResponse& resp, const HttpResponse& out) {
  // With its reason phrase ("Not Found"), not Poco's default "OK".
  resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status));
  resp.setContentType(out.contentType);
  for (const auto& [k, v] : out.headers) resp.set(k, v);
  resp.sendBuffer(out.body.data(), out.body.size());
}

// Fault injection: no answer; the socket closes when the connection ends.
void dropConnection(HTTPServerRequest& req, HTTPServerResponse& resp) {
  resp.setKeepAlive(false);
  try {
    static_cast<Poco::Net::HTTPServerRequestImpl&>(req).socket().shutdown();
  } catch (...) {
  }
}

class Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(std::shared_ptr<HttpsServer::State> state) : state_(std::move(state)) {}

  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) override {
    const Poco::Net::StreamSocket& socket = static_cast<Poco::Net::HTTPServerRequestImpl&>(req).socket();
    ConnectionGuard& guard = *state_->guard;
    guard.headRead(socket);
    serve(req, resp);
    guard.answered(socket);
  }

 private:
  void serve(HTTPServerRequest& req, HTTPServerResponse& resp) {
    const auto started = std::chrono::steady_clock::now();
    HttpRequest in = requestHead(req, state_->tls);
    const std::string id = state_->idPrefix + "-" + std::to_string(++state_->requests);
    resp.set("X-Request-Id", id);
    const int status = respond(req, resp, in);
    if (state_->answered)
      state_->answered(in, status, id,
                       std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started));
  }

  // Answers; returns the status sent (0: the connection was dropped).
  int respond(HTTPServerRequest& req, HTTPServerResponse& resp, HttpRequest& in) {
    if (auto early = guarded([&] { return headCheck(in); })) {
      // The body is not used: the connection cannot carry another request.
      // A small one is read and dropped first, so that closing with unread
      // bytes (a TCP reset) does not destroy the answer on its way (a client
      // sending 6 KiB with a token that may not post sees its 403, not a
      // broken pipe); a large one is not read at all.
      discardSmallBody(req);
      resp.setKeepAlive(false);
      return answer(req, resp, *early);
    }
    if (state_->streamBody) in.bodySink = state_->streamBody(in);
    bool complete = false;
    if (in.bodySink) {
      // A sink that throws, or a connection that breaks, leaves a partial body: abandoned.
      struct Abandon {
        BodySink* sink;
        ~Abandon() {
          if (sink) sink->abandon();
        }
      } abandon{in.bodySink.get()};
      try {
        complete = streamBody(req, state_->maxBody, state_->pieceBytes, *in.bodySink);
      } catch (const Poco::Exception&) {
        throw;  // the connection broke: Poco closes it
      } catch (const std::exception& e) {
        state_->guard->bodyRead(static_cast<Poco::Net::HTTPServerRequestImpl&>(req).socket());
        resp.setKeepAlive(false);
        return answer(req, resp, HttpResponse{500, "text/plain", std::string("internal error: ") + e.what(), {}, false});
      }
      if (complete) abandon.sink = nullptr;
    } else {
      complete = readBody(req, state_->maxBody, in);
    }
    state_->guard->bodyRead(static_cast<Poco::Net::HTTPServerRequestImpl&>(req).socket());
    if (!complete) {
      resp.setKeepAlive(false);
      send(resp, state_->tooLarge);
      return state_->tooLarge.status;
    }
    return answer(req, resp, *guarded([&] { return std::optional<HttpResponse>(state_->fn(in)); }));
  }

 private:
  std::optional<HttpResponse> headCheck(const HttpRequest& in) {
    if (!state_->headCheck) return std::nullopt;
    return state_->headCheck(in);
  }

  // Runs `call` unless the server is stopping (503), counted so stop() can
  // wait for it; an escaping exception becomes 500.
  template <typename Call>
  std::optional<HttpResponse> guarded(Call call) {
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      if (state_->stopping) return HttpResponse{503, "text/plain", "server is stopping", {}, false};
      ++state_->active;
    }
    std::optional<HttpResponse> out;
    try {
      out = call();
    } catch (const std::exception& e) {
      out = HttpResponse{500, "text/plain", std::string("internal error: ") + e.what(), {}, false};
    }
    std::lock_guard<std::mutex> lock(state_->mu);
    --state_->active;
    state_->idle.notify_all();
    return out;
  }

  static int answer(HTTPServerRequest& req, HTTPServerResponse& resp, const HttpResponse& out) {
    if (out.dropConnection) {
      dropConnection(req, resp);
      return 0;
    }
    send(resp, out);
    return out.status;
  }

  std::shared_ptr<HttpsServer::State> state_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(std::shared_ptr<HttpsServer::State> state) : state_(std::move(state)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest& req) override {
    // Poco answers "Expect: 100-continue" after this call unless the status
    // is no longer 200: a body announced over the limit gets its 413 instead
    // of an invitation to send it (and a broken pipe).
    if (req.getExpectContinue() && req.hasContentLength() &&
        static_cast<size_t>(req.getContentLength64()) > state_->maxBody)
      req.response().setStatus(Poco::Net::HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE);
    return new Handler(state_);  // Poco's HTTPServerConnection owns and deletes it
  }
  // What HTTPServer::stopAll() tells the connections (abort: shut their sockets).
  void serverStopping(const void* server, const bool abort) { serverStopped.notify(server, abort); }

 private:
  std::shared_ptr<HttpsServer::State> state_;
};

// Poco's HTTP connection, telling the guard when it ends.
class GuardedConnection final : public Poco::Net::HTTPServerConnection {
 public:
  GuardedConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                    Poco::Net::HTTPRequestHandlerFactory::Ptr factory, std::shared_ptr<HttpsServer::State> state)
      : HTTPServerConnection(socket, std::move(params), std::move(factory)), state_(std::move(state)) {}
  void run() override {
    struct Closed {
      GuardedConnection& c;
      ~Closed() { c.state_->guard->closed(c.socket()); }
    } closed{*this};
    HTTPServerConnection::run();
  }

 private:
  std::shared_ptr<HttpsServer::State> state_;
};

// What Poco's HTTPServer does, with GuardedConnection.
class ConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
 public:
  ConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
                    std::shared_ptr<HttpsServer::State> state)
      : params_(std::move(params)), factory_(std::move(factory)), state_(std::move(state)) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    return new GuardedConnection(socket, params_, factory_, state_);
  }

 private:
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
  std::shared_ptr<HttpsServer::State> state_;
};

// Admission at accept time, on the acceptor thread, before a thread is taken.
class GuardFilter final : public Poco::Net::TCPServerConnectionFilter {
 public:
  explicit GuardFilter(std::shared_ptr<HttpsServer::State> state) : state_(std::move(state)) {}
  bool accept(const Poco::Net::StreamSocket& socket) override { return state_->guard->admit(socket); }

 private:
  std::shared_ptr<HttpsServer::State> state_;
};

Poco::Net::Context::Ptr serverContext(const HttpsServerOptions& o) {
  Poco::Net::initializeSSL();
  // RELAXED: verify a client certificate when one is presented. (Poco's
  // STRICT would also match the client's certificate name against its IP
  // address, which client certificates do not carry.) Whether one is
  // required is the handler's decision (HttpRequest::clientCertificate).
  const auto verify = o.caFile.empty() ? Poco::Net::Context::VERIFY_NONE : Poco::Net::Context::VERIFY_RELAXED;
  Poco::Net::Context::Ptr ctx(new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, o.keyFile, o.certFile,
                                                     o.caFile, verify, 9, false, "HIGH:!aNULL:!MD5:!RC4"));
  ctx->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  return ctx;
}

Poco::Net::ServerSocket listen(const HttpsServerOptions& o) {
  const Poco::Net::SocketAddress addr(o.host, static_cast<Poco::UInt16>(o.port));
  if (o.certFile.empty()) return Poco::Net::ServerSocket(addr, 64);
  return Poco::Net::SecureServerSocket(addr, 64, serverContext(o));
}

}  // namespace

HttpsServer::HttpsServer(HttpsServerOptions options, HttpHandler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {}

HttpsServer::~HttpsServer() { stop(); }

void HttpsServer::start() {
  if (server_) return;
  Poco::Net::ServerSocket socket = listen(options_);
  port_ = socket.address().port();
  Poco::Net::HTTPServerParams::Ptr params(new Poco::Net::HTTPServerParams);
  params->setMaxThreads(options_.maxThreads);
  params->setMaxQueued(options_.maxQueued);
  params->setKeepAlive(true);
  params->setTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(options_.idleTimeout.count()) * 1000));
  params->setKeepAliveTimeout(
      Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(options_.limits.idleTimeout.count()) * 1000));
  ConnectionLimits limits = options_.limits;
  // Beyond threads + queue Poco drops a connection unseen; the guard refuses it first.
  limits.maxConnections = std::min(limits.maxConnections, options_.maxThreads + options_.maxQueued);
  state_ = std::make_shared<State>();
  state_->fn = handler_;
  state_->headCheck = options_.headCheck;
  state_->answered = options_.answered;
  state_->idPrefix = randomLetters(6);
  state_->maxBody = options_.maxBodyBytes;
  state_->streamBody = options_.streamBody;
  state_->pieceBytes = options_.streamPieceBytes;
  state_->tooLarge = options_.tooLarge;
  state_->tls = tls();
  state_->guard = std::make_unique<ConnectionGuard>(limits);
  Poco::Net::HTTPRequestHandlerFactory::Ptr factory(new Factory(state_));
  stopper_ = [factory, this](bool abort) mutable { static_cast<Factory&>(*factory).serverStopping(this, abort); };
  // Its own pool: Poco's default pool holds at most 16 threads, shared by every server.
  pool_ = std::make_unique<Poco::ThreadPool>(1, options_.maxThreads + 1);
  server_ = std::make_unique<Poco::Net::TCPServer>(new ConnectionFactory(params, factory, state_), *pool_, socket,
                                                   params);
  server_->setConnectionFilter(new GuardFilter(state_));
  server_->start();
}

void HttpsServer::stop() {
  if (!server_) return;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stopping = true;
  }
  // As Poco's HTTPServer::stopAll: stop accepting, then tell the open
  // connections (abort: their sockets are shut down; else: they finish the
  // request they are answering).
  server_->stop();
  stopper_(options_.abortOnStop);
  {
    // Handlers in flight still use what the handler captured: wait for them.
    std::unique_lock<std::mutex> lock(state_->mu);
    state_->idle.wait(lock, [this] { return state_->active == 0; });
  }
  server_.reset();
  pool_->joinAll();
  pool_.reset();
  stopper_ = nullptr;
  state_->guard->clear();
}

ConnectionCounts HttpsServer::connectionCounts() const {
  return state_ && state_->guard ? state_->guard->counts() : ConnectionCounts{};
}

std::string HttpsServer::baseUrl() const {
  return std::string(tls() ? "https" : "http") + "://" + options_.host + ":" + std::to_string(port_);
}

}  // namespace reghub::net
