#pragma once
// A local stand-in for SMDB's web services (`reghub sandbox smdb`): HTTPS on
// loopback, IndsaetData, HentData and TokenTest, and NemLog-in's STS. Every
// service call must be secured per OIO IDWS (hub/security/wss_verifier.h):
// a token issued by the sandbox's own STS stand-in (at kStsPath, trusting
// the sandbox's dev CA) for the sandbox's service entity id, valid, the
// holder-of-key signature over Body, wsa headers, Timestamp and token, a
// MessageID never seen — anything else is a SOAP Fault with the WS-Security
// code and nothing is stored. start() makes a dev PKI (CA, STS certificate,
// a function certificate for clients) next to its TLS files; clientConfig()
// names them.
//
// It holds records as SMDB does (sandbox_records.h: SmdbIds, versions, the
// sag each belongs to): an IndsaetData call is an insert, or an update of
// the record its SmdbId names; the same rules as the hub run over the sag as
// it would stand, one active kontaktforløb per citizen and kommune across
// every sag held — also those a test put in "by the web form". An error is a
// SOAP Fault (s:Client, HTTP 500, the rule ids and messages); otherwise a
// receipt with the record's SmdbId. HentData answers from the records
// (hent_data.h). A test control plane without authentication (loopback):
//   GET    /sandbox/records         every record: SmdbId, sag, parent, skema, KildeId, version, kommune,
//                                   operation, origin, masked citizen (JSON)
//   POST   /sandbox/records         a sag (or skemaer for a held sag) as if typed into SMDB-web
//   DELETE /sandbox/records/<id>    SMDB-web's delete (409 while records hang on it)
//   POST   /sandbox/faults          {"failEvery": n, "dropAfterStore": n}: every n-th service call is a
//                                   Server fault; the next n stored calls lose their answer (connection dropped)
// Thread-safe (requests are served concurrently; state is locked).
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "adapters/smdb/field_table.h"
#include "adapters/smdb/rules.h"
#include "adapters/smdb/municipalities.h"
#include "adapters/smdb/sandbox_records.h"
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
  void makePki(const std::string& dir);
  RuleContext ruleContext() const;
  net::HttpResponse handleService(const net::HttpRequest& request);
  // `verifiedDoc`: the request as verifyIdwsRequest parsed it (read once).
  net::HttpResponse handleIndsaet(const net::HttpRequest& request, security::XmlDocPtr verifiedDoc);
  net::HttpResponse handleHent(const security::VerifiedRequest& verified);
  net::HttpResponse handleTokenTest(const net::HttpRequest& request, const security::VerifiedRequest& verified);
  net::HttpResponse handleControl(const net::HttpRequest& request);
  net::HttpResponse listRecords();
  net::HttpResponse putWebRecords(const net::HttpRequest& request);
  net::HttpResponse deleteRecord(const std::string& smdbId);
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
  std::string stateFile_;
  bool ownStateFile_ = false;
  std::mutex mu_;  // guards records_ and the fault counters
  std::unique_ptr<SandboxRecords> records_;
  int failEvery_ = 0;
  int dropAfterStore_ = 0;
  long serviceCalls_ = 0;
};

}  // namespace reghub::smdb
