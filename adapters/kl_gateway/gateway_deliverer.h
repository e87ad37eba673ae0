#pragma once
// Transport to FK Gateway, shared by the KL Gateway adapters (LTT, § 140): each DeliveryReport is sent as
// PUT {endpoint}/fhir/Bundle/{id} (JSON) over HTTPS. One attempt per call,
// classified (Fluent Bit style): 2xx accepted; 408, 429, 5xx, timeouts and
// connection failures retry; other 4xx rejected, keeping the
// OperationOutcome's text. Retry timing belongs to the outbox.
// FK Gateway access (adapters/kl_gateway): with a BearerSource every PUT
// carries `Authorization: Bearer <token>` from the process-wide token cache;
// a 401 refreshes the token once and sends again before the attempt counts
// as failed. No token to be had: bad credentials (the token endpoint's or
// STS's refusal) are rejected with the server's text — the cache remembers
// the refusal, so a queue of messages makes no storm of token requests —
// and a token endpoint that is down is retry. Not thread-safe: one per
// worker (the BearerSource is shared and thread-safe).
#include <memory>
#include <string>

#include "adapters/kl_gateway/gateway_auth.h"
#include "hub/engine/adapter.h"
#include "hub/net/https_client.h"

namespace reghub::kl_gateway {

// From the adapter's built settings ("<prefix>.endpoint", ".caFile",
// ".clientCertFile", ".clientKeyFile", ".connectTimeoutMs", ".timeoutMs"),
// which checked the endpoint is https.
struct DelivererConfig {
  std::string endpoint;  // https://host[:port][/prefix]
  net::HttpsClientOptions tls;
};

// The registry's error text from an OperationOutcome body (issue
// diagnostics/details), or the body itself (shortened) when it is not one.
std::string operationOutcomeText(const std::string& body);

class GatewayDeliverer final : public engine::Deliverer {
 public:
  // `auth` null: no Authorization header (a gateway without OAuth, old sandboxes).
  explicit GatewayDeliverer(DelivererConfig config, std::shared_ptr<BearerSource> auth = nullptr);
  engine::DeliveryResult deliver(const engine::OutboundMessage& message) override;
  void setRequestHook(net::RequestHook hook) { client_.setRequestHook(std::move(hook)); }

 private:
  engine::DeliveryResult classify(const engine::OutboundMessage& m, const net::HttpResult& r) const;
  net::HttpResult send(const engine::OutboundMessage& m, const std::string& token);

  DelivererConfig config_;
  std::shared_ptr<BearerSource> auth_;
  net::HttpsClient client_;
};

}  // namespace reghub::kl_gateway
