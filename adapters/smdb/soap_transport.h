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
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "adapters/smdb/hent_data.h"
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

// The payload (the operation element) with the registry's ids bound: the
// record's own Reference/SmdbId and each Foraelder's, where the message was
// rendered without them and `idOf` knows them now. Unchanged when nothing
// is to bind; nullopt with `error` when it is not XML.
std::optional<std::string> bindRegistryIds(
    const std::string& payload, const std::function<std::optional<std::string>(const std::string&)>& idOf,
    std::string& error);

// The fields of the payload's last part (the record the operation writes),
// and whether two field lists hold the same values (order aside).
std::vector<std::pair<std::string, std::string>> mainPartFields(const std::string& payload);
bool sameFields(std::vector<std::pair<std::string, std::string>> a, std::vector<std::pair<std::string, std::string>> b);

// The HentData action that reads back the record an IndsaetData operation writes.
const char* readBackAction(const std::string& operation);

class SoapDeliverer final : public engine::Deliverer {
 public:
  // From the built settings: smdb.endpoint (https base URL, checked when
  // the settings were built), smdb.caFile, smdb.timeoutMs; `idws` shared.
  SoapDeliverer(const Settings& settings, std::shared_ptr<IdwsClient> idws);
  engine::DeliveryResult deliver(const engine::OutboundMessage& message) override;
  // Binds the ids known now (a dependency accepted since rendering, a
  // sync); when the key was sent before (DeliveryContext::sentBefore: a
  // retry, a superseded or replayed message), first asks SMDB (HentData by
  // kommune and CPR) whether it holds the record: exactly as sent, it counts
  // as accepted; with an older content, it is updated by its id — never
  // inserted a second time. A failed look-up is a retry.
  engine::DeliveryResult deliver(const engine::OutboundMessage& message, const engine::DeliveryContext& ctx) override;
  // The records SMDB holds for one HentData action and kommune (3 digits),
  // optionally one citizen. nullopt: the result says why (retry or rejected).
  std::optional<std::vector<SmdbRecord>> read(const std::string& action, const std::string& kommune3,
                                              const std::string& cpr, engine::DeliveryResult& failure);
  // A reference list (HentAlleTilbud, HentLandeliste).
  std::optional<std::vector<ListEntry>> readList(const std::string& action, const std::string& kommune3,
                                                 engine::DeliveryResult& failure);
  // One secured call of any SMDB operation (TokenTest, HentData): `payloadXml` is the Body's content.
  IdwsAnswer call(const std::string& target, const std::string& action, const std::string& payloadXml);

 private:
  // One HentData call; its answer's body, or nullopt and `failure`.
  std::optional<std::string> hent(const std::string& action, const std::string& kommune3, const std::string& cpr,
                                  engine::DeliveryResult& failure);
  std::unique_ptr<net::HttpsClient> client_;
  std::shared_ptr<IdwsClient> idws_;
};

}  // namespace reghub::smdb
