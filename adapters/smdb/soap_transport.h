#pragma once
// SMDB transport: one OIO IDWS-secured SOAP POST over HTTPS per message
// (smdb.soapVersion; the rendered envelope's Body goes into a signed
// envelope with the token, idws_client.h), the answer classified (Fluent
// Bit style): 2xx with a receipt → accepted (keeps the SmdbId); SOAP Fault
// with code Client/Sender or a WS-Security code (after one token refresh),
// or another 4xx → rejected with the registry's text; Server fault, other
// 5xx, 408/429, timeouts and connection failures → retry. No token: a
// refusal by the STS (certificate, audience) → rejected; STS unreachable →
// retry. Not thread-safe: one deliverer per worker (the IdwsClient is shared).
#include <memory>
#include <optional>
#include <string>

#include "adapters/smdb/idws_client.h"
#include "adapters/smdb/settings.h"
#include "hub/engine/adapter.h"
#include "hub/net/https_client.h"

namespace reghub::smdb {

struct SoapAnswer {
  bool fault = false;
  std::string faultCode;    // local part, e.g. "Client" / "Server"
  std::string faultString;  // the registry's text
  std::string smdbId;       // receipt id on success
  bool securityFault = false;  // a WS-Security / WS-Trust fault code (wsse:FailedAuthentication, …)
};

// Parses a SOAP 1.1 or 1.2 answer body (libxml2). nullopt if it is not a SOAP envelope.
std::optional<SoapAnswer> parseSoapAnswer(const std::string& body);

// Classifies one HTTP result (pure; unit-tested without a network).
engine::DeliveryResult classify(const net::HttpResult& r);
// …and one secured call, token problems included.
engine::DeliveryResult classify(const IdwsAnswer& a);

// The Body's content of a rendered envelope (what gets signed and sent);
// nullopt with `error` when the rendered message is not a SOAP envelope.
std::optional<std::string> bodyPayload(const std::string& envelope, std::string& error);

class SoapDeliverer final : public engine::Deliverer {
 public:
  // From the built settings: smdb.endpoint (https base URL, checked when
  // the settings were built), smdb.caFile, smdb.timeoutMs; `idws` shared.
  SoapDeliverer(const Settings& settings, std::shared_ptr<IdwsClient> idws);
  engine::DeliveryResult deliver(const engine::OutboundMessage& message) override;
  // One secured call of any SMDB operation (TokenTest, HentData): `payloadXml` is the Body's content.
  IdwsAnswer call(const std::string& target, const std::string& action, const std::string& payloadXml);

 private:
  std::unique_ptr<net::HttpsClient> client_;
  std::shared_ptr<IdwsClient> idws_;
};

}  // namespace reghub::smdb
