#pragma once
// An HTTPS stand-in for FK Gateway on 127.0.0.1, shared by the KL Gateway
// adapters' sandboxes (`reghub sandbox ltt|rehab`). Each
// PUT /fhir/Bundle/{id} is judged by the adapter's own report check (the
// same validation the hub runs before sending): errors → 422 with an
// OperationOutcome listing them; accepted → 201 (new id) or 200 (same id
// again, an upsert). It records what it accepted (queryable over HTTP and
// in-process) and can inject faults: latency, 500 answers, dropped connections.
//
// HTTP API besides the FHIR PUT:
//   GET    /fhir/Bundle/{id}      the accepted report (404 if none)
//   GET    /sandbox/received      JSON list of accepted reports {id, puts, lastStatus}
//   DELETE /sandbox/received      forget everything
//   POST   /sandbox/faults        {"latencyMs": n, "fail500": n, "drop": n} (next n /fhir/ requests)
//   POST   /sandbox/tokens/expire every bearer token issued so far stops working (a 401 next)
// TLS: a fresh dev CA + server certificate (hub/net/dev_tls.h) in the
// configured TLS directory or a new temporary directory; caFile() names the CA.
//
// FK Gateway access (sandbox_auth.h), unless the adapter's "<prefix>.sandbox.auth"
// is off: a KOMBIT STS stand-in and a token endpoint at
// /auth/realms/ehealth/protocol/openid-connect/token on the same server, a
// dev function certificate for the client in the TLS directory; every
// /fhir/ request without a valid, unexpired bearer token is 401 with an
// OperationOutcome and stores nothing. clientConfig() gives the hub's keys.
// Thread-safe.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <rapidjson/fwd.h>

#include "adapters/kl_gateway/auth_settings.h"
#include "adapters/kl_gateway/sandbox_auth.h"
#include "hub/diag/reporter.h"
#include "hub/engine/adapter.h"
#include "hub/net/http_types.h"

namespace reghub::net {
class HttpsServer;
}

namespace reghub::kl_gateway {

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

// What the adapter tells the sandbox (from its built settings).
struct GatewaySandboxConfig {
  std::string prefix;  // the adapter's key prefix and registry name: "ltt", "rehab"
  std::string tlsDir;  // empty: a fresh temporary directory
  bool requiresToken = true;
  AuthSettings auth;   // sts.appliesTo, sandbox token lifetime and clock skew
  // Empty when the body is a report of this IG (by meta.profile), else why not.
  std::function<std::string(const rapidjson::Document&)> notAReport;
  // The adapter's report validation; its errors are the 422's issues.
  std::function<void(const rapidjson::Document&, const diag::Reporter&)> validate;
};

class GatewaySandbox : public engine::Sandbox {
 public:
  // `sts` makes the KOMBIT STS stand-in (default: kombit_sts.h's); tests may give another.
  GatewaySandbox(const engine::SandboxOptions& options, GatewaySandboxConfig config, StsStandInFactory sts = {});
  ~GatewaySandbox() override;

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
  // Null when the sandbox runs without auth or before start().
  GatewaySandboxAuth* auth() { return auth_.get(); }

  // The request handler (public for in-process tests without a socket).
  net::HttpResponse handle(const net::HttpRequest& request);

 private:
  net::HttpResponse put(const std::string& id, const std::string& body);
  net::HttpResponse unauthorized(const net::HttpRequest& request);
  engine::SandboxOptions options_;
  GatewaySandboxConfig config_;
  StsStandInFactory stsFactory_;
  std::unique_ptr<GatewaySandboxAuth> auth_;
  std::unique_ptr<net::HttpsServer> server_;
  std::string tlsDir_, caFile_;
  bool ownTlsDir_ = false;
  mutable std::mutex mu_;
  SandboxFaults faults_;
  std::map<std::string, ReceivedReport> received_;
  int requests_ = 0, rejected_ = 0, unauthorized_ = 0;
};

}  // namespace reghub::kl_gateway
