#pragma once
// A local stand-in for SMDB's IndsaetData and TokenTest services and
// NemLog-in's STS (`reghub sandbox smdb`): HTTPS on loopback, one SOAP
// envelope (smdb.soapVersion) per POST. Every service call must be secured
// per OIO IDWS (hub/security/wss_verifier.h): a token issued by the
// sandbox's own STS stand-in (at kStsPath, trusting the sandbox's dev CA)
// for the sandbox's service entity id, valid, the holder-of-key signature
// over Body, wsa headers, Timestamp and token, a MessageID never seen —
// anything else is a SOAP Fault with the WS-Security code and nothing is
// stored. start() makes a dev PKI (CA, STS certificate, a function
// certificate for clients) next to its TLS files; clientConfig() names
// them. It then checks the action and the envelope, turns the elements back into skemaer, keeps
// what it accepted per kontaktforløb (in memory) and runs the same rules
// as the hub over the forløb as it would stand after the insert/update. An
// error is answered with a SOAP Fault (faultcode s:Client, HTTP 500, the
// rule ids and messages as faultstring); otherwise with a receipt holding
// the record's SmdbId (the same id again for an update).
// Thread-safe (requests are served concurrently; state is locked).
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "adapters/smdb/field_table.h"
#include "adapters/smdb/municipalities.h"
#include "adapters/smdb/settings.h"
#include "hub/engine/adapter.h"
#include "hub/net/http_types.h"
#include "hub/net/https_server.h"
#include "hub/security/dev_pki.h"
#include "hub/security/sts_stand_in.h"
#include "hub/security/wss_verifier.h"

namespace reghub::smdb {

class SmdbSandbox final : public engine::Sandbox {
 public:
  // Does no I/O; start() makes/loads the TLS files and binds. The rules run
  // with `settings` (the adapter's), the TLS directory and "today" too.
  SmdbSandbox(std::shared_ptr<const FieldTable> table, std::shared_ptr<const Municipalities> kommuner,
              const engine::SandboxOptions& options, std::shared_ptr<const Settings> settings);
  ~SmdbSandbox() override;
  void start() override;
  void stop() override;
  int port() const override;
  std::string baseUrl() const override;
  // The CA certificate clients must trust (dev certificates).
  std::string caFile() const override { return caFile_; }
  // The smdb.* settings a hub needs to reach this sandbox (after start()):
  // endpoint, CA, STS URL and entity ids, STS certificate, a dev function certificate and key.
  std::map<std::string, std::string> clientConfig() const;
  // The STS stand-in (tests: how many tokens it issued, make assertions).
  security::StsStandIn& sts() { return *sts_; }
  const security::DevPki& pki() const { return *pki_; }

  static constexpr const char* kStsPath = "/sts/SecurityTokenService.svc";
  static constexpr const char* kStsEntityId = "https://sts.smdb-sandbox.reghub.test";
  static constexpr const char* kServiceEntityId = "https://smdb-sandbox.reghub.test";

  // One request, without the network (used by the server and by tests).
  net::HttpResponse handle(const net::HttpRequest& request);

 private:
  struct Stored;
  void makePki(const std::string& dir);
  net::HttpResponse handleIndsaet(const net::HttpRequest& request);
  net::HttpResponse handleTokenTest(const net::HttpRequest& request, const security::VerifiedRequest& verified);
  std::shared_ptr<const FieldTable> table_;
  std::shared_ptr<const Municipalities> kommuner_;
  std::shared_ptr<const Settings> settings_;
  std::optional<model::Date> asOf_;
  int requestedPort_ = 0;
  std::string tlsDir_;
  std::string caFile_;
  std::string ownTlsDir_;  // dev certificates we made; removed on destruction
  std::unique_ptr<net::HttpsServer> server_;
  security::SoapVersion version_;
  std::unique_ptr<security::DevPki> pki_;
  std::unique_ptr<security::StsStandIn> sts_;
  std::unique_ptr<security::WssVerifier> verifier_;
  security::AssertionPolicy tokens_;
  std::string pkiDir_;  // ours; removed on destruction
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Stored>> forloeb_;
  long nextId_ = 1;
};

}  // namespace reghub::smdb
