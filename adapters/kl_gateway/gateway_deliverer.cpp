#include "adapters/kl_gateway/gateway_deliverer.h"

#include <rapidjson/document.h>

#include <stdexcept>

namespace reghub::kl_gateway {

std::string operationOutcomeText(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (!d.HasParseError() && d.IsObject() && d.HasMember("issue") && d["issue"].IsArray()) {
    std::string out;
    for (const auto& i : d["issue"].GetArray()) {
      std::string t;
      if (i.HasMember("diagnostics") && i["diagnostics"].IsString()) t = i["diagnostics"].GetString();
      if (t.empty() && i.HasMember("details") && i["details"].IsObject() && i["details"].HasMember("text") &&
          i["details"]["text"].IsString())
        t = i["details"]["text"].GetString();
      if (!t.empty()) out += (out.empty() ? "" : "; ") + t;
    }
    if (!out.empty()) return out;
  }
  return body.size() > 500 ? body.substr(0, 500) + "…" : body;
}

GatewayDeliverer::GatewayDeliverer(DelivererConfig config, std::shared_ptr<BearerSource> auth)
    : config_(std::move(config)), auth_(std::move(auth)), client_(config_.endpoint, config_.tls) {}

net::HttpResult GatewayDeliverer::send(const engine::OutboundMessage& m, const std::string& token) {
  auto headers = m.headers;
  headers["Accept"] = "application/fhir+json";
  if (!token.empty()) headers["Authorization"] = "Bearer " + token;
  return client_.send(m.method.empty() ? "PUT" : m.method, m.target, m.body,
                      m.contentType.empty() ? "application/fhir+json" : m.contentType, headers);
}

engine::DeliveryResult GatewayDeliverer::deliver(const engine::OutboundMessage& m) {
  if (!auth_) return classify(m, send(m, {}));
  TokenFetch t = auth_->bearer();
  if (t.outcome != AuthOutcome::kOk) {
    const std::string why = "no FK Gateway access token: " + t.error;
    return t.outcome == AuthOutcome::kRejected ? engine::DeliveryResult::rejected(t.status, why)
                                                           : engine::DeliveryResult::retry(t.status, why);
  }
  net::HttpResult r = send(m, t.token.value);
  if (r.answered() && r.status == 401) {
    // Expired or revoked before our margin said so: one new token, one more send.
    auth_->refused(t.token.value);
    t = auth_->bearer();
    if (t.outcome != AuthOutcome::kOk) {
      const std::string why = "FK Gateway refused the token (401) and no new one could be had: " + t.error;
      return t.outcome == AuthOutcome::kRejected ? engine::DeliveryResult::rejected(t.status, why)
                                                             : engine::DeliveryResult::retry(t.status, why);
    }
    r = send(m, t.token.value);
  }
  return classify(m, r);
}

engine::DeliveryResult GatewayDeliverer::classify(const engine::OutboundMessage& m, const net::HttpResult& r) const {
  if (!r.answered()) return engine::DeliveryResult::retry(0, std::string(net::toString(r.failure)) + ": " + r.error);
  if (r.status >= 200 && r.status < 300) {
    std::string id = m.idempotencyKey;
    if (auto loc = r.headers.find("location"); loc != r.headers.end()) id = loc->second;
    return engine::DeliveryResult::accepted(r.status, id);
  }
  const std::string text = operationOutcomeText(r.body);
  if (r.status == 408 || r.status == 429 || r.status >= 500) return engine::DeliveryResult::retry(r.status, text);
  // A second 401 (with a token fresh from the gateway's own endpoint) is a
  // setup problem — e.g. no service agreement — not something a retry fixes.
  return engine::DeliveryResult::rejected(r.status, text);
}

}  // namespace reghub::kl_gateway
