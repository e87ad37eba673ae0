#pragma once
// A local stand-in for SMDB's IndsaetData service (`reghub sandbox smdb`):
// HTTPS on loopback, one SOAP 1.1 envelope per POST. It checks the
// SOAPAction and the envelope, turns the elements back into skemaer, keeps
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

  // One request, without the network (used by the server and by tests).
  net::HttpResponse handle(const net::HttpRequest& request);

 private:
  struct Stored;
  std::shared_ptr<const FieldTable> table_;
  std::shared_ptr<const Municipalities> kommuner_;
  std::shared_ptr<const Settings> settings_;
  std::optional<model::Date> asOf_;
  int requestedPort_ = 0;
  std::string tlsDir_;
  std::string caFile_;
  std::string ownTlsDir_;  // dev certificates we made; removed on destruction
  std::unique_ptr<net::HttpsServer> server_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Stored>> forloeb_;
  long nextId_ = 1;
};

}  // namespace reghub::smdb
