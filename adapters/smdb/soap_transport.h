#pragma once
// SMDB transport: one SOAP 1.1 POST over HTTPS per message, the answer
// classified (Fluent Bit style): 2xx with a receipt → accepted (keeps the
// SmdbId); SOAP Fault with faultcode Client (HTTP 500 as WCF sends it) or
// another 4xx → rejected with the registry's text; Server fault, other
// 5xx, 408/429, timeouts and connection failures → retry. The OIO IDWS
// token and signature are not implemented here (README.md, "Open").
// Not thread-safe: one deliverer per worker.
#include <memory>
#include <optional>
#include <string>

#include "adapters/smdb/settings.h"
#include "hub/engine/adapter.h"
#include "hub/net/https_client.h"

namespace reghub::smdb {

struct SoapAnswer {
  bool fault = false;
  std::string faultCode;    // local part, e.g. "Client" / "Server"
  std::string faultString;  // the registry's text
  std::string smdbId;       // receipt id on success
};

// Parses a SOAP 1.1 answer body (libxml2). nullopt if it is not a SOAP envelope.
std::optional<SoapAnswer> parseSoapAnswer(const std::string& body);

// Classifies one HTTP result (pure; unit-tested without a network).
engine::DeliveryResult classify(const net::HttpResult& r);

class SoapDeliverer final : public engine::Deliverer {
 public:
  // From the built settings: smdb.endpoint (https base URL, checked when
  // the settings were built), smdb.caFile, smdb.timeoutMs.
  explicit SoapDeliverer(const Settings& settings);
  SoapDeliverer(const std::string& baseUrl, net::HttpsClientOptions options);
  engine::DeliveryResult deliver(const engine::OutboundMessage& message) override;

 private:
  std::unique_ptr<net::HttpsClient> client_;
};

}  // namespace reghub::smdb
