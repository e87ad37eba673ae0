#include "hub/api/api_server.h"

#include <Poco/URI.h>

#include <openssl/crypto.h>

#include <atomic>

#include "hub/api/credential_report.h"
#include "hub/api/registry_state_report.h"
#include "hub/api/status_report.h"
#include "hub/engine/outbox.h"
#include "hub/net/https_server.h"
#include "hub/util/json_writer.h"

namespace reghub::api {

struct ApiServer::Shared {
  HttpOptions options;
  int64_t maxBacklog;
  store::DeliveryStore& store;
  Intake& intake;
  const engine::Outbox* outbox;
  std::atomic<uint64_t> intakeRequests{0};
  std::atomic<uint64_t> intake503{0};
  std::vector<engine::CredentialInfo> credentials;  // set before start()
};

namespace {

using net::HttpRequest;
using net::HttpResponse;

HttpResponse reply(int status, const std::string& contentType, std::string body) {
  HttpResponse r{status, contentType, std::move(body), {}, false};
  r.headers["Cache-Control"] = "no-store";
  return r;
}

HttpResponse json(int status, std::string body) { return reply(status, "application/json", std::move(body)); }

HttpResponse error(int status, const std::string& message) {
  std::string body = R"({"error":)";
  util::appendJsonString(body, message);
  body += "}";
  return json(status, body);
}

bool constantTimeEquals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string header(const HttpRequest& req, const std::string& lowerName) {
  const auto it = req.headers.find(lowerName);
  return it == req.headers.end() ? std::string() : it->second;
}

bool authorized(const ApiServer::Shared& s, const HttpRequest& req) {
  if (req.clientCertificate) return true;
  if (s.options.requireClientCertificate && !s.options.certificate.empty()) return false;
  const std::string auth = header(req, "authorization");
  const std::string prefix = "Bearer ";
  if (auth.rfind(prefix, 0) != 0) return false;
  const std::string token = auth.substr(prefix.size());
  bool ok = false;
  for (const auto& t : s.options.tokens) ok |= constantTimeEquals(t, token);
  return ok;
}

bool isOpen(const HttpRequest& req) { return req.method == "GET" && (req.path == "/health" || req.path == "/metrics"); }
bool isIntake(const HttpRequest& req) { return req.method == "POST" && (req.path == "/fhir" || req.path == "/ingest"); }

// Before the body is read: who asks, and whether there is room for more work.
std::optional<HttpResponse> headCheck(ApiServer::Shared& s, const HttpRequest& req) {
  if (isOpen(req)) return std::nullopt;
  if (!authorized(s, req)) {
    auto r = error(401, "authenticate with 'Authorization: Bearer <token>' or a client certificate");
    r.headers["WWW-Authenticate"] = "Bearer";
    return r;
  }
  if (!isIntake(req)) return std::nullopt;
  ++s.intakeRequests;
  if (s.store.backlog() <= s.maxBacklog) return std::nullopt;
  ++s.intake503;
  auto r = error(503, "delivery backlog is over intake.maxBacklog; send again later");
  r.headers["Retry-After"] = "60";
  return r;
}

HttpResponse health(ApiServer::Shared& s) {
  int64_t backlog = 0;
  try {
    s.store.checkKeys();
    backlog = s.store.backlog();
  } catch (const store::KeyError&) {
    return json(503, R"({"status":"store key cannot open the store's data"})");
  } catch (const std::exception&) {
    return json(503, R"({"status":"store unavailable"})");
  }
  const int64_t now = store::nowMillis();
  const auto worst = worstCredentialState(s.credentials, now);
  const char* status = worst == engine::CredentialState::kExpired    ? "certificate expired"
                       : worst == engine::CredentialState::kExpiring ? "warning"
                                                                     : "ok";
  std::string body = R"({"status":)";
  util::appendJsonString(body, status);
  body += R"(,"backlog":)" + std::to_string(backlog) + R"(,"certificates":)" + credentialsJson(s.credentials, now) + "}";
  return json(worst == engine::CredentialState::kExpired ? 503 : 200, body);
}

HttpResponse metrics(ApiServer::Shared& s) {
  const auto stats = s.outbox ? s.outbox->stats() : engine::OutboxStats{};
  return reply(200, "text/plain; version=0.0.4",
               metricsText(s.store.counts(), s.store.backlog(), s.outbox ? &stats : nullptr, s.intakeRequests.load(),
                           s.intake503.load()) +
                   credentialMetrics(s.credentials, store::nowMillis()));
}

HttpResponse intake(ApiServer::Shared& s, const HttpRequest& req) {
  std::string contentType = header(req, "content-type");
  if (const auto semi = contentType.find(';'); semi != std::string::npos) contentType.resize(semi);
  const auto r = s.intake.ingestBuffer("http", req.body, contentType);
  const auto rec = s.store.ingest(r.ingestId);
  auto out = json(r.unreadable ? 400 : 202, ingestJson(*rec));
  out.headers["Location"] = "/ingest/" + r.ingestId;
  return out;
}

HttpResponse ingest(ApiServer::Shared& s, const std::string& rest) {
  const auto slash = rest.find('/');
  const std::string id = rest.substr(0, slash);
  const auto rec = s.store.ingest(id);
  if (!rec) return error(404, "no ingest with id " + id);
  if (slash == std::string::npos) return json(200, ingestJson(*rec));
  if (rest.substr(slash) != "/diagnostics") return error(404, "no such endpoint");
  std::string out;
  for (const auto& d : s.store.ingestDiagnostics(id)) out += diag::toJsonLine(d) + "\n";
  return reply(200, "application/x-ndjson", out);
}

HttpResponse status(ApiServer::Shared& s, const Poco::URI& uri) {
  std::string registry, kommune;
  for (const auto& [k, v] : uri.getQueryParameters()) {
    if (k == "registry") registry = v;
    if (k == "kommune") kommune = v;
  }
  return json(200, statusJson(s.store.counts(registry, kommune), s.store.rejections(registry),
                              s.intake.parked(store::nowMillis())));
}

HttpResponse forloeb(ApiServer::Shared& s, const std::string& encodedKey) {
  std::string key;
  Poco::URI::decode(encodedKey, key);
  return json(200, historyJson(s.store.historyForForloeb(key)));
}

HttpResponse registries(ApiServer::Shared& s) {
  return json(200, registryStateJson(readRegistryState(s.intake.mirror())));
}

// The method an existing endpoint answers (for 405), or null when there is none.
const char* allowedMethod(const std::string& path) {
  if (path == "/fhir" || path == "/ingest") return "POST";
  if (path == "/health" || path == "/metrics" || path == "/status" || path == "/status/registries") return "GET";
  if (path.rfind("/ingest/", 0) == 0 || path.rfind("/status/forloeb/", 0) == 0) return "GET";
  return nullptr;
}

// After headCheck(): the caller is authorized (or the endpoint is open).
HttpResponse route(ApiServer::Shared& s, const HttpRequest& req) {
  const std::string& path = req.path;
  const bool get = req.method == "GET";
  if (get && path == "/health") return health(s);
  if (get && path == "/metrics") return metrics(s);
  if (isIntake(req)) return intake(s, req);
  if (get && path.rfind("/ingest/", 0) == 0) return ingest(s, path.substr(8));
  if (get && path == "/status") return status(s, Poco::URI(req.uri));
  if (get && path.rfind("/status/forloeb/", 0) == 0) return forloeb(s, path.substr(16));
  if (get && path == "/status/registries") return registries(s);
  if (const char* allowed = allowedMethod(path)) {
    auto r = error(405, req.method + " is not allowed on " + path + "; use " + allowed);
    r.headers["Allow"] = allowed;
    return r;
  }
  return error(404, "no such endpoint: " + req.method + " " + path);
}

HttpResponse handle(ApiServer::Shared& s, const HttpRequest& req) {
  try {
    return route(s, req);
  } catch (const std::exception& e) {
    // Store failures and bugs: 500 with a message that names no person.
    return error(500, store::maskDigitRuns(e.what()));
  }
}

net::HttpsServerOptions serverOptions(ApiServer::Shared& s) {
  const HttpOptions& o = s.options;
  net::HttpsServerOptions n;
  n.host = o.host;
  n.port = o.port;
  n.certFile = o.certificate;
  n.keyFile = o.privateKey;
  n.caFile = o.certificate.empty() ? std::string() : o.caLocation;
  n.maxThreads = o.threads;
  n.maxQueued = 100;  // Poco's default
  n.idleTimeout = o.idleTimeout;
  n.limits.idleTimeout = o.idleTimeout;
  n.limits.headerTimeout = o.headerTimeout;
  n.limits.bodyTimeout = o.bodyTimeout;
  n.limits.maxPerClient = o.maxConnectionsPerClient;
  n.maxBodyBytes = o.maxBodyBytes;
  n.tooLarge = error(413, "body larger than http.maxBodyBytes (" + std::to_string(o.maxBodyBytes) + ")");
  n.headCheck = [&s](const HttpRequest& req) {
    try {
      return headCheck(s, req);
    } catch (const std::exception& e) {
      return std::optional<HttpResponse>(error(500, store::maskDigitRuns(e.what())));
    }
  };
  n.abortOnStop = false;  // requests being answered finish (graceful SIGTERM)
  return n;
}

}  // namespace

ApiServer::ApiServer(const HttpOptions& options, int64_t maxBacklog, store::DeliveryStore& store, Intake& intake,
                     const engine::Outbox* outbox)
    : shared_(new Shared{options, maxBacklog, store, intake, outbox, {}, {}, {}}) {}

ApiServer::~ApiServer() { stop(); }

void ApiServer::setCredentials(std::vector<engine::CredentialInfo> credentials) {
  shared_->credentials = std::move(credentials);
}

void ApiServer::start() {
  if (server_) return;
  auto server = std::make_unique<net::HttpsServer>(
      serverOptions(*shared_), [s = shared_.get()](const HttpRequest& req) { return handle(*s, req); });
  server->start();
  server_ = std::move(server);
}

void ApiServer::stop() {
  if (!server_) return;
  server_->stop();
  server_.reset();
}

int ApiServer::port() const { return server_ ? server_->port() : 0; }

std::string ApiServer::baseUrl() const {
  return std::string(shared_->options.certificate.empty() ? "http" : "https") + "://" + shared_->options.host + ":" +
         std::to_string(port());
}

}  // namespace reghub::api
