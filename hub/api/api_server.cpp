#include "hub/api/api_server.h"

#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>

#include "hub/api/credential_report.h"
#include "hub/api/health_check.h"
#include "hub/api/intake_spool.h"
#include "hub/api/registry_state_report.h"
#include "hub/api/status_report.h"
#include "hub/api/status_view.h"
#include "hub/engine/outbox.h"
#include "hub/log/log.h"
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
  std::atomic<int> healthState{0};                   // last /health state (HealthState), to log changes only
  HealthThresholds thresholds;                       // set before start()
  std::mutex responsesMutex;
  std::map<int, uint64_t> responses;  // answers by status (/metrics)
  std::vector<std::pair<std::string, std::function<net::HttpResponse(const net::HttpRequest&)>>> mounts;  // before start()
  // Shared with the bodies being streamed in (IntakeSpool), which may
  // outlive a request by a moment.
  std::shared_ptr<store::IntakeQueue> queue;
  std::unique_ptr<IntakeWorker> worker;  // while started, when options.queue.workers
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

std::string header(const HttpRequest& req, const std::string& lowerName) {
  const auto it = req.headers.find(lowerName);
  return it == req.headers.end() ? std::string() : it->second;
}

// The named client the request comes from (certificate or token), or null.
// A verified certificate that is no client's does not fall back to a token:
// the certificate says who it is.
const ApiClient* authenticate(const ApiServer::Shared& s, const HttpRequest& req) {
  if (req.clientCertificate) return s.options.clients.byCertificate(req.clientCertificateSubject, req.clientCertificateSha256);
  if (s.options.requireClientCertificate && !s.options.certificate.empty()) return nullptr;
  const std::string auth = header(req, "authorization");
  const std::string prefix = "Bearer ";
  if (auth.rfind(prefix, 0) != 0) return nullptr;
  return s.options.clients.byToken(std::string_view(auth).substr(prefix.size()));
}

bool isOpen(const HttpRequest& req) { return req.method == "GET" && req.path == "/health"; }

// The mounted part that serves this path, or null.
const std::function<HttpResponse(const HttpRequest&)>* mountFor(const ApiServer::Shared& s, const HttpRequest& req) {
  for (const auto& [prefix, handler] : s.mounts)
    if (req.path == prefix || req.path.rfind(prefix + "/", 0) == 0) return &handler;
  return nullptr;
}
bool isIntake(const HttpRequest& req) { return req.method == "POST" && (req.path == "/fhir" || req.path == "/ingest"); }
bool isReplay(const HttpRequest& req) { return req.method == "POST" && req.path == "/replay"; }

HttpResponse forbidden(const ApiClient& c, const std::string& what) {
  return error(403, "client " + c.name + " " + what);
}

std::string kommuneList(const ApiClient& c) {
  std::string out;
  for (const auto& k : c.kommuner) out += (out.empty() ? "" : ", ") + k;
  return out;
}

// The role an endpoint needs; an endpoint not listed needs only a client.
std::optional<HttpResponse> roleCheck(const ApiClient& c, const HttpRequest& req) {
  const bool get = req.method == "GET";
  if (isIntake(req) && !c.may(Role::kIntake)) return forbidden(c, "may not send data: it needs the role intake");
  if (isReplay(req) && !c.may(Role::kOperator)) return forbidden(c, "may not replay: it needs the role operator");
  const bool reads = get && (req.path == "/status" || req.path.rfind("/status/", 0) == 0 || req.path == "/metrics");
  if (reads && !c.may(Role::kAnalyst)) return forbidden(c, "may not read status or metrics: it needs the role analyst");
  if (get && req.path.rfind("/ingest/", 0) == 0 && !c.may(Role::kIntake) && !c.may(Role::kAnalyst))
    return forbidden(c, "may not read ingests: it needs the role intake or analyst");
  // The totals cover every kommune.
  if (get && req.path == "/metrics" && c.scoped())
    return forbidden(c, "may not read /metrics: they cover every kommune, and it may see only " + kommuneList(c));
  return std::nullopt;
}

// Before the body is read: who asks, may they, and is there room for more work.
std::optional<HttpResponse> headCheck(ApiServer::Shared& s, const HttpRequest& req) {
  if (isOpen(req) || mountFor(s, req)) return std::nullopt;
  const ApiClient* client = authenticate(s, req);
  if (!client) {
    auto r = error(401, "authenticate as one of the API's clients (http.clients): 'Authorization: Bearer <token>' or "
                        "a client certificate");
    r.headers["WWW-Authenticate"] = "Bearer";
    return r;
  }
  if (auto r = roleCheck(*client, req)) return r;
  if (!isIntake(req)) return std::nullopt;
  ++s.intakeRequests;
  const char* full = s.store.backlog() > s.maxBacklog                      ? "delivery backlog is over intake.maxBacklog"
                     : s.queue->waiting() >= s.options.queue.maxWaiting ? "intake.maxQueued ingests wait to be ingested"
                                                                          : nullptr;
  if (!full) return std::nullopt;
  ++s.intake503;
  auto r = error(503, std::string(full) + "; send again later");
  r.headers["Retry-After"] = "60";
  return r;
}

std::string contentTypeOf(const HttpRequest& req) {
  std::string contentType = header(req, "content-type");
  if (const auto semi = contentType.find(';'); semi != std::string::npos) contentType.resize(semi);
  return contentType;
}

store::QueuedIngest newIngest(const ApiClient& c, const HttpRequest& req) {
  store::QueuedIngest q;
  q.id = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
  q.source = "http";
  q.contentType = contentTypeOf(req);
  q.actor = c.name;
  q.kommuner = c.kommuner;
  return q;
}

// After the head check passed: a body announced over intake.streamBytes (or
// of no announced length) goes to the store piece by piece.
std::shared_ptr<net::BodySink> streamBody(ApiServer::Shared& s, const HttpRequest& req) {
  if (!isIntake(req) || mountFor(s, req)) return nullptr;
  const std::string length = header(req, "content-length");
  if (!length.empty() && std::strtoull(length.c_str(), nullptr, 10) <= s.options.queue.streamBytes) return nullptr;
  const ApiClient* c = authenticate(s, req);
  if (!c) return nullptr;
  return std::make_shared<IntakeSpool>(s.queue, newIngest(*c, req));
}

HealthCheck readHealth(ApiServer::Shared& s);

// /health is asked every few seconds: a change of state is logged when it
// happens, not on every poll.
void logHealthChange(ApiServer::Shared& s, const HealthReport& r) {
  const int before = s.healthState.exchange(static_cast<int>(r.state));
  if (before == static_cast<int>(r.state)) return;
  std::string reasons;
  for (const auto& why : r.reasons) reasons += (reasons.empty() ? "" : "; ") + why;
  const log::Level level = r.state == HealthState::kFailing    ? log::Level::kError
                           : r.state == HealthState::kDegraded ? log::Level::kWarning
                                                               : log::Level::kInfo;
  log::write(level, std::string("health ") + toString(r.state),
             {{"was", toString(static_cast<HealthState>(before))}, {"reasons", reasons}});
}

HttpResponse health(ApiServer::Shared& s) {
  const HealthCheck h = readHealth(s);
  logHealthChange(s, h.report);
  return json(httpStatus(h.report), healthJson(h.report, h.store, s.credentials, store::nowMillis()));
}

std::vector<std::string> registryNames(const ApiServer::Shared& s) {
  std::vector<std::string> out;
  for (const auto& a : s.intake.adapters()) out.emplace_back(a->name());
  return out;
}

HealthCheck readHealth(ApiServer::Shared& s) {
  return checkHealth(s.store, registryNames(s), s.outbox, s.credentials, s.thresholds, store::nowMillis());
}

// Messages held back by validation errors, per registry (from the
// validation groups of the rejections).
std::string validationMetrics(const std::vector<store::RejectionGroup>& groups) {
  std::map<std::string, int64_t> errors;
  for (const auto& g : groups)
    if (g.source == "validation" && g.severity == "error") errors[g.registry] += g.count;
  std::string out =
      "# HELP reghub_validation_errors Error diagnostics that held messages back (not sent), per registry.\n"
      "# TYPE reghub_validation_errors gauge\n";
  for (const auto& [r, n] : errors)
    out += "reghub_validation_errors{registry=\"" + promLabel(r) + "\"} " + std::to_string(n) + "\n";
  return out;
}

std::string httpMetrics(ApiServer::Shared& s) {
  std::string out =
      "# HELP reghub_http_responses_total API answers by HTTP status.\n# TYPE reghub_http_responses_total counter\n";
  {
    std::lock_guard lock(s.responsesMutex);
    for (const auto& [status, n] : s.responses)
      out += "reghub_http_responses_total{status=\"" + std::to_string(status) + "\"} " + std::to_string(n) + "\n";
  }
  return out + "# HELP reghub_build_info The running reghub.\n# TYPE reghub_build_info gauge\nreghub_build_info{version=\"" +
         promLabel(REGHUB_VERSION) + "\"} 1\n";
}

HttpResponse metrics(ApiServer::Shared& s) {
  const auto stats = s.outbox ? s.outbox->stats() : engine::OutboxStats{};
  const int64_t now = store::nowMillis();
  return reply(200, "text/plain; version=0.0.4",
               metricsText(s.store.counts(), s.store.backlog(), s.outbox ? &stats : nullptr, s.intakeRequests.load(),
                           s.intake503.load()) +
                   credentialMetrics(s.credentials, now) + healthMetrics(readHealth(s).report, now) +
                   validationMetrics(s.store.rejections()) + httpMetrics(s));
}

// The body is stored and queued; the intake worker ingests it (its state at Location).
HttpResponse intake(ApiServer::Shared& s, const ApiClient& c, const HttpRequest& req) {
  store::QueuedIngest q;
  if (auto* spool = dynamic_cast<IntakeSpool*>(req.bodySink.get())) {
    spool->release();
    q = spool->ingest();
  } else {
    q = newIngest(c, req);
    if (c.scoped())
      if (const auto refused = s.intake.scopeCheck(req.body, q.contentType, c.kommuner))
        return error(403, "client " + c.name + " may send only data of kommune " + kommuneList(c) + ": " + *refused +
                              "; nothing was stored");
    s.queue->enqueue(q, req.body, store::nowMillis());
  }
  const auto rec = s.store.ingest(q.id);  // before the worker is woken: as stored
  if (s.worker) s.worker->notify();
  auto out = json(202, ingestJson(*rec));
  out.headers["Location"] = "/ingest/" + q.id;
  return out;
}

HttpResponse ingest(ApiServer::Shared& s, const ApiClient& c, const std::string& rest) {
  const auto slash = rest.find('/');
  const std::string id = rest.substr(0, slash);
  auto rec = s.store.ingest(id);
  // A scoped or intake-only client sees its own ingests only (and is not told others exist).
  const bool seesAll = !c.scoped() && c.may(Role::kAnalyst);
  if (rec && !seesAll && rec->actor != c.name) rec.reset();
  if (!rec) return error(404, "no ingest with id " + id);
  if (slash == std::string::npos) return json(200, ingestJson(*rec));
  if (rest.substr(slash) != "/diagnostics") return error(404, "no such endpoint");
  std::string out;
  for (const auto& d : s.store.ingestDiagnostics(id)) out += diag::toJsonLine(d) + "\n";
  return reply(200, "application/x-ndjson", out);
}

HttpResponse status(ApiServer::Shared& s, const ApiClient& c, const Poco::URI& uri) {
  std::string registry, kommune;
  for (const auto& [k, v] : uri.getQueryParameters()) {
    if (k == "registry") registry = v;
    if (k == "kommune") kommune = v;
  }
  const auto view = readStatusView(s.store, s.intake, c, registry, kommune);
  if (!view) return forbidden(c, "may not see kommune " + kommune + " (its kommuner: " + kommuneList(c) + ")");
  return json(200, statusJson(view->counts, view->rejections, view->parked, {}, view->failedIngests));
}

HttpResponse forloeb(ApiServer::Shared& s, const ApiClient& c, const std::string& encodedKey) {
  std::string key;
  Poco::URI::decode(encodedKey, key);
  auto history = s.store.historyForForloeb(key);
  history.erase(std::remove_if(history.begin(), history.end(), [&](const auto& t) { return !c.covers(t.kommune); }),
                history.end());
  return json(200, historyJson(history));
}

HttpResponse replay(ApiServer::Shared& s, const ApiClient& c, const Poco::URI& uri) {
  store::ReplayFilter f;
  std::string state;
  for (const auto& [k, v] : uri.getQueryParameters()) {
    if (k == "state") state = v;
    if (k == "registry") f.registry = v;
  }
  if (state == "dead")
    f.state = store::MessageState::kDead;
  else if (state == "rejected")
    f.state = store::MessageState::kRejected;
  else
    return error(400, "give ?state=dead or ?state=rejected (and optionally &registry=R)");
  f.kommuner.assign(c.kommuner.begin(), c.kommuner.end());
  const size_t n = s.store.replay(f, c.name, store::nowMillis());
  return json(200, R"({"replayed":)" + std::to_string(n) + "}");
}

// What the registries hold: a kommune-scoped client sees its kommuner only.
HttpResponse registries(ApiServer::Shared& s, const ApiClient& c) {
  RegistryState state = readRegistryState(s.intake.mirror());
  if (c.scoped()) {
    const auto outside = [&](const std::string& k) { return !c.covers(k); };
    state.syncs.erase(std::remove_if(state.syncs.begin(), state.syncs.end(), [&](const auto& x) { return outside(x.kommune); }),
                      state.syncs.end());
    state.foreign.erase(
        std::remove_if(state.foreign.begin(), state.foreign.end(), [&](const auto& x) { return outside(x.kommune); }),
        state.foreign.end());
    state.tasks.erase(std::remove_if(state.tasks.begin(), state.tasks.end(), [&](const auto& x) { return outside(x.kommune); }),
                      state.tasks.end());
  }
  return json(200, registryStateJson(state));
}

// The method an existing endpoint answers (for 405), or null when there is none.
const char* allowedMethod(const std::string& path) {
  if (path == "/fhir" || path == "/ingest" || path == "/replay") return "POST";
  if (path == "/health" || path == "/metrics" || path == "/status" || path == "/status/registries") return "GET";
  if (path.rfind("/ingest/", 0) == 0 || path.rfind("/status/forloeb/", 0) == 0) return "GET";
  return nullptr;
}

// After headCheck(): the caller is an authorized client (null only for the open endpoint).
HttpResponse route(ApiServer::Shared& s, const ApiClient* c, const HttpRequest& req) {
  const std::string& path = req.path;
  const bool get = req.method == "GET";
  if (get && path == "/health") return health(s);
  if (!c) return error(401, "authenticate as one of the API's clients");
  if (get && path == "/metrics") return metrics(s);
  if (isIntake(req)) return intake(s, *c, req);
  if (isReplay(req)) return replay(s, *c, Poco::URI(req.uri));
  if (get && path.rfind("/ingest/", 0) == 0) return ingest(s, *c, path.substr(8));
  if (get && path == "/status") return status(s, *c, Poco::URI(req.uri));
  if (get && path.rfind("/status/forloeb/", 0) == 0) return forloeb(s, *c, path.substr(16));
  if (get && path == "/status/registries") return registries(s, *c);
  if (const char* allowed = allowedMethod(path)) {
    auto r = error(405, req.method + " is not allowed on " + path + "; use " + allowed);
    r.headers["Allow"] = allowed;
    return r;
  }
  return error(404, "no such endpoint: " + req.method + " " + path);
}

HttpResponse handle(ApiServer::Shared& s, const HttpRequest& req) {
  try {
    if (const auto* mounted = mountFor(s, req)) return (*mounted)(req);
    return route(s, isOpen(req) ? nullptr : authenticate(s, req), req);
  } catch (const std::exception& e) {
    // Store failures and bugs: 500 with a message that names no person.
    return error(500, store::maskDigitRuns(e.what()));
  }
}

// One line per request: who, what, how it ended — never its body, query,
// token or certificate (and the logger masks CPR-shaped digits in the path).
void logRequest(ApiServer::Shared& s, const HttpRequest& req, int status, const std::string& id,
                std::chrono::microseconds took) {
  {
    std::lock_guard lock(s.responsesMutex);
    ++s.responses[status];
  }
  const log::Level level = status >= 500 || status == 0       ? log::Level::kError
                           : status == 401 || status == 403 ? log::Level::kWarning
                                                            : log::Level::kInfo;
  if (!log::enabled(level)) return;
  // A mounted part (the dashboard) signs its users in itself: no API client to name.
  const bool own = isOpen(req) || mountFor(s, req);
  const ApiClient* c = own ? nullptr : authenticate(s, req);
  log::write(level, "request",
             {{"requestId", id},
              {"method", req.method},
              {"path", req.path},
              {"status", status},
              {"durationMs", static_cast<int64_t>(took.count() / 1000)},
              {"client", c ? c->name : std::string(own ? "-" : "(unauthenticated)")}});
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
  n.streamPieceBytes = std::min<size_t>(1u << 20, o.queue.streamBytes);
  n.streamBody = [&s](const HttpRequest& req) -> std::shared_ptr<net::BodySink> {
    try {
      return streamBody(s, req);
    } catch (const std::exception&) {
      return nullptr;  // read whole; the handler answers
    }
  };
  n.answered = [&s](const HttpRequest& req, int status, const std::string& id, std::chrono::microseconds took) {
    logRequest(s, req, status, id, took);
  };
  n.abortOnStop = false;  // requests being answered finish (graceful SIGTERM)
  return n;
}

}  // namespace

ApiServer::ApiServer(const HttpOptions& options, int64_t maxBacklog, store::DeliveryStore& store, Intake& intake,
                     const engine::Outbox* outbox)
    : shared_(new Shared{options, maxBacklog, store, intake, outbox, {}, {}, {}, {0}, {}, {}, {}, {}, {}, {}}) {
  shared_->queue = store::IntakeQueue::open(store.options());
}

ApiServer::~ApiServer() { stop(); }

void ApiServer::setHealthThresholds(const HealthThresholds& thresholds) { shared_->thresholds = thresholds; }

void ApiServer::mount(std::string prefix, std::function<net::HttpResponse(const net::HttpRequest&)> handler) {
  shared_->mounts.emplace_back(std::move(prefix), std::move(handler));
}

void ApiServer::setCredentials(std::vector<engine::CredentialInfo> credentials) {
  shared_->credentials = std::move(credentials);
}

void ApiServer::start() {
  if (server_) return;
  auto server = std::make_unique<net::HttpsServer>(
      serverOptions(*shared_), [s = shared_.get()](const HttpRequest& req) { return handle(*s, req); });
  server->start();
  server_ = std::move(server);
  if (shared_->options.queue.workers) {
    shared_->worker = std::make_unique<IntakeWorker>(*shared_->queue, shared_->intake, shared_->options.queue,
                                                     [&store = shared_->store] { store.foldCounts(); });
    shared_->worker->start();
  }
}

void ApiServer::stop() {
  if (!server_) return;
  server_->stop();
  server_.reset();
  if (shared_->worker) shared_->worker->stop();
  shared_->worker.reset();
}

int ApiServer::port() const { return server_ ? server_->port() : 0; }

std::string ApiServer::baseUrl() const {
  return std::string(shared_->options.certificate.empty() ? "http" : "https") + "://" + shared_->options.host + ":" +
         std::to_string(port());
}

}  // namespace reghub::api
