#pragma once
// `reghub sandbox ltt`: an HTTPS stand-in for FK Gateway on 127.0.0.1. Each
// PUT /fhir/Bundle/{id} is checked by the same IG validator the hub uses
// (ig_validator.h): errors → 422 with an OperationOutcome listing them;
// accepted → 201 (new id) or 200 (same id again, an upsert). It records
// what it accepted (queryable over HTTP and in-process) and can inject
// faults: latency, 500 answers, dropped connections.
//
// HTTP API besides the FHIR PUT:
//   GET    /fhir/Bundle/{id}      the accepted report (404 if none)
//   GET    /sandbox/received      JSON list of accepted reports {id, puts, lastStatus}
//   DELETE /sandbox/received      forget everything
//   POST   /sandbox/faults        {"latencyMs": n, "fail500": n, "drop": n} (next n /fhir/ requests)
//   POST   /sandbox/tokens/expire every bearer token issued so far stops working (a 401 next)
// TLS: a fresh dev CA + server certificate (hub/net/dev_tls.h) in
// "ltt.sandbox.tlsDir" or a new temporary directory; caFile() names the CA.
// Reports are judged with the adapter's settings (ltt.reportingStart).
//
// FK Gateway access (adapters/kl_gateway/sandbox_auth.h), unless
// "ltt.sandbox.auth" is off: a KOMBIT STS stand-in and a token endpoint at
// /auth/realms/ehealth/protocol/openid-connect/token on the same server, a
// dev function certificate for the client in the TLS directory; every
// /fhir/ request without a valid, unexpired bearer token is 401 with an
// OperationOutcome and stores nothing. clientConfig() gives the hub's keys.
// Thread-safe.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/kl_gateway/sandbox_auth.h"
#include "adapters/ltt/settings.h"
#include "hub/engine/adapter.h"
#include "hub/net/http_types.h"

namespace reghub::net {
class HttpsServer;
}

namespace reghub::ltt {

struct SandboxFaults {
  int latencyMs = 0;  // added to every answer
  int fail500 = 0;    // the next n requests get 500
  int drop = 0;       // the next n requests get no answer (connection closed)
};

struct ReceivedReport {
  std::string id;
  std::string body;
  int puts = 0;        // accepted PUTs of this id
  int lastStatus = 0;  // 201 or 200
};

class LttSandbox final : public engine::Sandbox {
 public:
  // `sts` makes the KOMBIT STS stand-in (default: hub/security's generic
  // STS stand-in, see kombit_sts.h); tests may give another.
  LttSandbox(const engine::SandboxOptions& options, std::shared_ptr<const Settings> settings,
             kl_gateway::StsStandInFactory sts = {});
  ~LttSandbox() override;

  void start() override;
  void stop() override;
  int port() const override;
  std::string baseUrl() const override;
  std::string caFile() const override { return caFile_; }

  void setFaults(const SandboxFaults& f);
  std::vector<ReceivedReport> received() const;  // sorted by id
  int requestsSeen() const;
  int rejectedCount() const;
  int unauthorizedCount() const;  // requests refused with 401
  // The keys a hub needs to reach this sandbox (endpoint, CA, and with
  // auth: realm, client id, dev certificate and key, STS). Empty before start().
  std::map<std::string, std::string> clientConfig() const;
  // Null when "ltt.sandbox.auth" is off or before start().
  kl_gateway::GatewaySandboxAuth* auth() { return auth_.get(); }

  // The request handler (public for in-process tests without a socket).
  net::HttpResponse handle(const net::HttpRequest& request);

 private:
  net::HttpResponse put(const std::string& id, const std::string& body);
  net::HttpResponse unauthorized(const net::HttpRequest& request);
  engine::SandboxOptions options_;
  std::shared_ptr<const Settings> settings_;
  kl_gateway::StsStandInFactory stsFactory_;
  std::unique_ptr<kl_gateway::GatewaySandboxAuth> auth_;
  std::unique_ptr<net::HttpsServer> server_;
  std::string tlsDir_, caFile_;
  bool ownTlsDir_ = false;
  mutable std::mutex mu_;
  SandboxFaults faults_;
  std::map<std::string, ReceivedReport> received_;
  int requests_ = 0, rejected_ = 0, unauthorized_ = 0;
};

}  // namespace reghub::ltt
