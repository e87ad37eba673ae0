#pragma once
// Transport to FK Gateway: each DeliveryReport is sent as
// PUT {endpoint}/fhir/Bundle/{id} (JSON) over HTTPS. One attempt per call,
// classified (Fluent Bit style): 2xx accepted; 408, 429, 5xx, timeouts and
// connection failures retry; other 4xx rejected, keeping the
// OperationOutcome's text. Retry timing belongs to the outbox.
// Token-based access (KOMBIT STS / OAuth) comes later through
// setRequestHook(). Not thread-safe: one per worker.
#include <memory>
#include <string>

#include "hub/engine/adapter.h"
#include "hub/net/https_client.h"

namespace reghub::ltt {

// From the built settings ("ltt.endpoint", "ltt.caFile", "ltt.clientCertFile",
// "ltt.clientKeyFile", "ltt.connectTimeoutMs", "ltt.timeoutMs"; settings.h),
// which checked the endpoint is https.
struct DelivererConfig {
  std::string endpoint;  // https://host[:port][/prefix]
  net::HttpsClientOptions tls;
};

// The registry's error text from an OperationOutcome body (issue
// diagnostics/details), or the body itself (shortened) when it is not one.
std::string operationOutcomeText(const std::string& body);

class LttDeliverer final : public engine::Deliverer {
 public:
  explicit LttDeliverer(DelivererConfig config);
  engine::DeliveryResult deliver(const engine::OutboundMessage& message) override;
  void setRequestHook(net::RequestHook hook) { client_.setRequestHook(std::move(hook)); }

 private:
  DelivererConfig config_;
  net::HttpsClient client_;
};

}  // namespace reghub::ltt
