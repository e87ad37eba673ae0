#pragma once
// The hub's HTTP(S) API, served by hub/net's HttpsServer:
//   POST /fhir (alias /ingest)          FHIR JSON/XML/NDJSON → 202 {ingestId…}; 503 when the backlog
//                                       is over intake.maxBacklog (Retry-After); 413 over http.maxBodyBytes
//   GET  /ingest/{id}                   the ingest's counts
//   GET  /ingest/{id}/diagnostics       its diagnostics, one JSON object per line (CONTRACT §4)
//   GET  /status[?registry=R&kommune=K] counts per registry × kommune × state, rejections by rule
//   GET  /status/forloeb/{key}          the forløb's delivery history (masked CPR)
//   GET  /health                        200 when the store answers (no auth); the adapters'
//                                       certificates with days left: "warning" from 30 days
//                                       before expiry, 503 once one has expired
//   GET  /metrics                       Prometheus text (no personal data; no auth)
// Everything else needs `Authorization: Bearer <token>` (http.tokens) or a
// client certificate the TLS layer verified against http.tls.caLocation.
// HTTPS when http.tls.certificate is set. Authentication and backpressure
// are decided before the body is read.
//
// start() binds (throws Poco::Exception on I/O failure); handlers run on
// the server's threads; the store and intake are thread-safe. stop() lets
// requests being answered finish.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hub/api/intake.h"
#include "hub/engine/credential_info.h"

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
  std::vector<std::string> tokens;  // accepted bearer tokens
  size_t maxBodyBytes = 64u << 20;
  int threads = 32;
  // Slow and idle clients (hub/net/connection_guard.h).
  int maxConnectionsPerClient = 16;
  std::chrono::milliseconds headerTimeout{10'000}, bodyTimeout{120'000}, idleTimeout{10'000};
};

class ApiServer {
 public:
  // Not owned; all outlive the server. `outbox` may be null (no workers here).
  ApiServer(const HttpOptions& options, int64_t maxBacklog, store::DeliveryStore& store, Intake& intake,
            const engine::Outbox* outbox);
  ~ApiServer();
  // The certificates /health and /metrics report on (before start()).
  void setCredentials(std::vector<engine::CredentialInfo> credentials);
  void start();
  void stop();  // idempotent
  int port() const;
  std::string baseUrl() const;

  // Used by the request handlers.
  struct Shared;

 private:
  std::unique_ptr<Shared> shared_;
  std::unique_ptr<net::HttpsServer> server_;
};

}  // namespace reghub::api
