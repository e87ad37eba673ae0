#include "hub/api/api_server.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>

#include <openssl/crypto.h>

#include <istream>

#include "hub/api/status_report.h"
#include "hub/util/json_writer.h"

namespace reghub::api {

struct ApiServer::Shared {
  HttpOptions options;
  int64_t maxBacklog;
  store::DeliveryStore& store;
  Intake& intake;
  const engine::Outbox* outbox;
  bool tls = false;
  std::atomic<uint64_t> intakeRequests{0};
  std::atomic<uint64_t> intake503{0};
};

namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

void send(HTTPServerResponse& resp, HTTPResponse::HTTPStatus status, const std::string& contentType,
          const std::string& body) {
  resp.setStatus(status);
  resp.setContentType(contentType);
  resp.setContentLength(static_cast<std::streamsize>(body.size()));
  resp.set("Cache-Control", "no-store");
  resp.send() << body;
}

void sendError(HTTPServerResponse& resp, HTTPResponse::HTTPStatus status, const std::string& message) {
  std::string body = R"({"error":)";
  util::appendJsonString(body, message);
  body += "}";
  send(resp, status, "application/json", body);
}

bool constantTimeEquals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool authorized(const ApiServer::Shared& s, HTTPServerRequest& req) {
  if (s.tls) {
    // A client certificate presented in the handshake was verified there
    // against http.tls.caLocation (OpenSSL refuses the handshake otherwise).
    bool haveCert = false;
    try {
      auto& impl = static_cast<Poco::Net::HTTPServerRequestImpl&>(req);
      Poco::Net::SecureStreamSocket secure(impl.socket());
      haveCert = secure.havePeerCertificate();
    } catch (const Poco::Exception&) {
      // Not a secure socket: only the token counts.
    }
    if (haveCert) return true;
    if (s.options.requireClientCertificate) return false;
  }
  const std::string auth = req.get("Authorization", "");
  const std::string prefix = "Bearer ";
  if (auth.rfind(prefix, 0) != 0) return false;
  const std::string token = auth.substr(prefix.size());
  bool ok = false;
  for (const auto& t : s.options.tokens) ok |= constantTimeEquals(t, token);
  return ok;
}

class ApiHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit ApiHandler(ApiServer::Shared& s) : s_(s) {}

  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) override {
    try {
      route(req, resp);
    } catch (const std::exception& e) {
      // Store failures and bugs: 500 with a message that names no person.
      if (!resp.sent()) sendError(resp, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, store::maskDigitRuns(e.what()));
    }
  }

 private:
  void route(HTTPServerRequest& req, HTTPServerResponse& resp) {
    const Poco::URI uri(req.getURI());
    const std::string path = uri.getPath();
    const std::string method = req.getMethod();
    if (path == "/health" && method == "GET") return health(resp);
    if (path == "/metrics" && method == "GET") return metrics(resp);
    if (!authorized(s_, req)) {
      resp.set("WWW-Authenticate", "Bearer");
      return sendError(resp, HTTPResponse::HTTP_UNAUTHORIZED,
                       "authenticate with 'Authorization: Bearer <token>' or a client certificate");
    }
    if ((path == "/fhir" || path == "/ingest") && method == "POST") return intake(req, resp);
    if (path.rfind("/ingest/", 0) == 0 && method == "GET") return ingest(path.substr(8), resp);
    if (path == "/status" && method == "GET") return status(uri, resp);
    if (path.rfind("/status/forloeb/", 0) == 0 && method == "GET") {
      std::string key;
      Poco::URI::decode(path.substr(16), key);
      return send(resp, HTTPResponse::HTTP_OK, "application/json", historyJson(s_.store.historyForForloeb(key)));
    }
    sendError(resp, HTTPResponse::HTTP_NOT_FOUND, "no such endpoint: " + method + " " + path);
  }

  void health(HTTPServerResponse& resp) {
    try {
      const int64_t backlog = s_.store.backlog();
      send(resp, HTTPResponse::HTTP_OK, "application/json",
           R"({"status":"ok","backlog":)" + std::to_string(backlog) + "}");
    } catch (const std::exception&) {
      send(resp, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "application/json", R"({"status":"store unavailable"})");
    }
  }

  void metrics(HTTPServerResponse& resp) {
    const auto stats = s_.outbox ? s_.outbox->stats() : engine::OutboxStats{};
    send(resp, HTTPResponse::HTTP_OK, "text/plain; version=0.0.4",
         metricsText(s_.store.counts(), s_.store.backlog(), s_.outbox ? &stats : nullptr, s_.intakeRequests.load(),
                     s_.intake503.load()));
  }

  void intake(HTTPServerRequest& req, HTTPServerResponse& resp) {
    ++s_.intakeRequests;
    if (s_.store.backlog() > s_.maxBacklog) {
      ++s_.intake503;
      resp.setKeepAlive(false);  // the unread body must not poison the connection
      resp.set("Retry-After", "60");
      return sendError(resp, HTTPResponse::HTTP_SERVICE_UNAVAILABLE,
                       "delivery backlog is over intake.maxBacklog; send again later");
    }
    if (req.getContentLength() != HTTPServerRequest::UNKNOWN_CONTENT_LENGTH &&
        static_cast<size_t>(req.getContentLength()) > s_.options.maxBodyBytes) {
      resp.setKeepAlive(false);
      return sendError(resp, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE,
                       "body larger than http.maxBodyBytes (" + std::to_string(s_.options.maxBodyBytes) + ")");
    }
    std::string body;
    std::istream& in = req.stream();
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
      body.append(buf, static_cast<size_t>(in.gcount()));
      if (body.size() > s_.options.maxBodyBytes) {
        resp.setKeepAlive(false);
        return sendError(resp, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, "body larger than http.maxBodyBytes");
      }
    }
    std::string contentType = req.getContentType();
    if (const auto semi = contentType.find(';'); semi != std::string::npos) contentType.resize(semi);
    const auto r = s_.intake.ingestBuffer("http", body, contentType);
    const auto rec = s_.store.ingest(r.ingestId);
    resp.set("Location", "/ingest/" + r.ingestId);
    send(resp, r.unreadable ? HTTPResponse::HTTP_BAD_REQUEST : HTTPResponse::HTTP_ACCEPTED, "application/json",
         ingestJson(*rec));
  }

  void ingest(const std::string& rest, HTTPServerResponse& resp) {
    const auto slash = rest.find('/');
    const std::string id = rest.substr(0, slash);
    const auto rec = s_.store.ingest(id);
    if (!rec) return sendError(resp, HTTPResponse::HTTP_NOT_FOUND, "no ingest with id " + id);
    if (slash == std::string::npos) return send(resp, HTTPResponse::HTTP_OK, "application/json", ingestJson(*rec));
    if (rest.substr(slash) != "/diagnostics") return sendError(resp, HTTPResponse::HTTP_NOT_FOUND, "no such endpoint");
    std::string out;
    for (const auto& d : s_.store.ingestDiagnostics(id)) out += diag::toJsonLine(d) + "\n";
    send(resp, HTTPResponse::HTTP_OK, "application/x-ndjson", out);
  }

  void status(const Poco::URI& uri, HTTPServerResponse& resp) {
    std::string registry, kommune;
    for (const auto& [k, v] : uri.getQueryParameters()) {
      if (k == "registry") registry = v;
      if (k == "kommune") kommune = v;
    }
    send(resp, HTTPResponse::HTTP_OK, "application/json",
         statusJson(s_.store.counts(registry, kommune), s_.store.rejections(registry),
                    s_.intake.parked(store::nowMillis())));
  }

  ApiServer::Shared& s_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(ApiServer::Shared& s) : s_(s) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new ApiHandler(s_);  // Poco takes ownership
  }

 private:
  ApiServer::Shared& s_;
};

}  // namespace

ApiServer::ApiServer(const HttpOptions& options, int64_t maxBacklog, store::DeliveryStore& store, Intake& intake,
                     const engine::Outbox* outbox)
    : shared_(new Shared{options, maxBacklog, store, intake, outbox}) {}

ApiServer::~ApiServer() { stop(); }

void ApiServer::start() {
  const auto& o = shared_->options;
  const Poco::Net::SocketAddress addr(o.host, static_cast<Poco::UInt16>(o.port));
  auto* params = new Poco::Net::HTTPServerParams;  // the server takes ownership
  params->setMaxThreads(o.threads);
  params->setKeepAlive(true);
  if (!o.certificate.empty()) {
    Poco::Net::Context::Ptr ctx(new Poco::Net::Context(
        Poco::Net::Context::TLS_SERVER_USE, o.privateKey, o.certificate, o.caLocation,
        // RELAXED: verify a client certificate when one is presented. (Poco's
        // STRICT would also match the client's certificate name against its
        // IP address, which client certificates do not carry.) A required
        // certificate is enforced per request in authorized().
        o.caLocation.empty() ? Poco::Net::Context::VERIFY_NONE : Poco::Net::Context::VERIFY_RELAXED, 9, false,
        "HIGH:!aNULL:!MD5:!RC4"));
    ctx->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    Poco::Net::SecureServerSocket socket(addr, 64, ctx);
    shared_->tls = true;
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*shared_), socket, params);
  } else {
    Poco::Net::ServerSocket socket(addr);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*shared_), socket, params);
  }
  server_->start();
}

void ApiServer::stop() {
  if (server_) {
    server_->stopAll(false);
    server_.reset();
  }
}

int ApiServer::port() const { return server_ ? server_->port() : 0; }

std::string ApiServer::baseUrl() const {
  return std::string(shared_->tls ? "https" : "http") + "://" + shared_->options.host + ":" + std::to_string(port());
}

}  // namespace reghub::api
