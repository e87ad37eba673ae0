#pragma once
// The hub's HTTP(S) API, served by hub/net's HttpsServer. Every endpoint but
// /health needs one of the named clients (api_client.h; http.clients), by
// `Authorization: Bearer <token>` or a client certificate whose subject or
// fingerprint is that client's, and the role the endpoint needs (else 403):
//   POST /fhir (alias /ingest)  intake   FHIR JSON/XML/NDJSON → the body stored (sealed), 202
//                                        {ingestId, state: queued} at once; the intake worker ingests
//                                        it (intake_worker.h). 503 when the backlog is over
//                                        intake.maxBacklog or intake.maxQueued ingests wait
//                                        (Retry-After); 413 over http.maxBodyBytes; 403 (nothing
//                                        stored) when a kommune-scoped client sends another kommune's
//                                        citizen (a body over intake.streamBytes: judged when ingested)
//   GET  /ingest/{id}[/diagnostics]  intake|analyst  the ingest's state (queued → ingesting → done),
//                                        counts, its diagnostics as NDJSON
//                                        (a scoped or intake-only client: only its own ingests)
//   GET  /status[?registry=R&kommune=K]  analyst  counts per registry × kommune × state, rejections
//                                        by rule (a scoped client: only its kommuner; another → 403)
//   GET  /status/forloeb/{key}  analyst  the forløb's delivery history (masked CPR; scoped: its kommuner)
//   POST /replay?state=dead|rejected[&registry=R]  operator  back to pending (scoped: its kommuner)
//   GET  /metrics               analyst, not kommune-scoped  Prometheus text (no personal data)
//   GET  /health                open     ok / degraded (200) / failing (503) per part: the store,
//                                        each registry (health_report.h)
//   /dashboard/…                mounted by hub/app (hub/dashboard): its own sign-in
// HTTPS when http.tls.certificate is set. Authentication, roles and
// backpressure are decided before the body is read.
//
// start() binds (throws Poco::Exception on I/O failure); handlers run on
// the server's threads; the store and intake are thread-safe. stop() lets
// requests being answered finish.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hub/api/api_client.h"
#include "hub/api/health_report.h"
#include "hub/api/intake.h"
#include "hub/api/intake_worker.h"
#include "hub/engine/credential_info.h"
#include "hub/net/http_types.h"

namespace reghub::engine {
class Outbox;
}
namespace reghub::net {
class HttpsServer;
}

namespace reghub::api {

// The API's listener (http.* keys, read by hub/app).
struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8443;
  std::string certificate, privateKey, caLocation;  // TLS when certificate is set
  bool requireClientCertificate = false;
  ApiClients clients;  // who may do what (http.clients)
  size_t maxBodyBytes = 64u << 20;
  int threads = 32;
  // Slow and idle clients (hub/net/connection_guard.h).
  int maxConnectionsPerClient = 16;
  std::chrono::milliseconds headerTimeout{10'000}, bodyTimeout{120'000}, idleTimeout{10'000};
  IntakeQueueOptions queue;  // intake.* (the intake worker runs with the server)
};

class ApiServer {
 public:
  // Not owned; all outlive the server. `outbox` may be null (no workers here).
  ApiServer(const HttpOptions& options, int64_t maxBacklog, store::DeliveryStore& store, Intake& intake,
            const engine::Outbox* outbox);
  ~ApiServer();
  // The certificates /health and /metrics report on (before start()).
  void setCredentials(std::vector<engine::CredentialInfo> credentials);
  // When a registry is degraded or failing (health.*; before start()).
  void setHealthThresholds(const HealthThresholds& thresholds);
  // A part served under `prefix` ("/dashboard": that path and below) that
  // authenticates its own requests (sign-in and session cookies): the API's
  // client and role checks do not apply to it. Before start().
  void mount(std::string prefix, std::function<net::HttpResponse(const net::HttpRequest&)> handler);
  // Binds and starts the intake worker (HttpOptions::queue.workers).
  void start();
  void stop();  // idempotent: the server first, then the worker finishes its ingest
  int port() const;
  std::string baseUrl() const;

  // Used by the request handlers.
  struct Shared;

 private:
  std::unique_ptr<Shared> shared_;
  std::unique_ptr<net::HttpsServer> server_;
};

}  // namespace reghub::api
