#include "adapters/ltt/deliverer.h"

#include <rapidjson/document.h>

#include <stdexcept>

namespace reghub::ltt {

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

LttDeliverer::LttDeliverer(DelivererConfig config) : config_(std::move(config)), client_(config_.endpoint, config_.tls) {}

engine::DeliveryResult LttDeliverer::deliver(const engine::OutboundMessage& m) {
  auto headers = m.headers;
  headers["Accept"] = "application/fhir+json";
  const net::HttpResult r = client_.send(m.method.empty() ? "PUT" : m.method, m.target, m.body,
                                         m.contentType.empty() ? "application/fhir+json" : m.contentType, headers);
  if (!r.answered()) return engine::DeliveryResult::retry(0, std::string(net::toString(r.failure)) + ": " + r.error);
  if (r.status >= 200 && r.status < 300) {
    std::string id = m.idempotencyKey;
    if (auto loc = r.headers.find("location"); loc != r.headers.end()) id = loc->second;
    return engine::DeliveryResult::accepted(r.status, id);
  }
  const std::string text = operationOutcomeText(r.body);
  if (r.status == 408 || r.status == 429 || r.status >= 500) return engine::DeliveryResult::retry(r.status, text);
  return engine::DeliveryResult::rejected(r.status, text);
}

}  // namespace reghub::ltt
