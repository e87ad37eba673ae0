#pragma once
// The hub's HTTP(S) API (Poco::Net):
//   POST /fhir (alias /ingest)          FHIR JSON/XML/NDJSON → 202 {ingestId…}; 503 when the backlog
//                                       is over intake.maxBacklog (Retry-After); 413 over http.maxBodyBytes
//   GET  /ingest/{id}                   the ingest's counts
//   GET  /ingest/{id}/diagnostics       its diagnostics, one JSON object per line (CONTRACT §4)
//   GET  /status[?registry=R&kommune=K] counts per registry × kommune × state, rejections by rule
//   GET  /status/forloeb/{key}          the forløb's delivery history (masked CPR)
//   GET  /health                        200 when the store answers (no auth)
//   GET  /metrics                       Prometheus text (no personal data; no auth)
// Everything else needs `Authorization: Bearer <token>` (http.tokens) or a
// client certificate the TLS layer verified against http.tls.caLocation.
// HTTPS when http.tls.certificate is set.
//
// start() binds (throws Poco::Exception on I/O failure); handlers run on
// the server's threads; the store and intake are thread-safe.
#include <atomic>
#include <memory>

#include "hub/api/hub_config.h"
#include "hub/api/intake.h"

namespace Poco::Net {
class HTTPServer;
}

namespace reghub::api {

class ApiServer {
 public:
  // Not owned; all outlive the server. `outbox` may be null (no workers here).
  ApiServer(const HttpOptions& options, int64_t maxBacklog, store::DeliveryStore& store, Intake& intake,
            const engine::Outbox* outbox);
  ~ApiServer();
  void start();
  void stop();
  int port() const;
  std::string baseUrl() const;

  // Used by the request handlers.
  struct Shared;

 private:
  std::unique_ptr<Shared> shared_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace reghub::api
