#include "adapters/kl_gateway/report_messages.h"

#include <rapidjson/document.h>

#include <stdexcept>

#include "adapters/kl_gateway/delivery_settings.h"
#include "hub/util/hash.h"

namespace reghub::kl_gateway {

engine::OutboundMessage deliveryReportMessage(const std::string& registry, const model::Citizen& citizen,
                                              const ReportFacts& facts, std::string body) {
  engine::OutboundMessage m;
  m.registry = registry;
  m.kind = "DeliveryReport";
  m.idempotencyKey = facts.bundleId;
  m.contentHash = facts.contentHash;
  m.citizenCpr = citizen.cpr->digits();
  m.citizenMasked = citizen.cpr->masked();
  for (const std::string& k : facts.forloebKeys) m.forloebKey += (m.forloebKey.empty() ? "" : ",") + k;
  m.kommune = facts.kommune;
  m.deliveryDay = facts.day.iso();
  putBundle(m, facts.bundleId);
  m.body = std::move(body);
  return m;
}

engine::OutboundMessage wrapReports(const std::string& registry, const std::string& what,
                                    const std::vector<const engine::OutboundMessage*>& run, const model::Date& asOf,
                                    const ReportShape& shape, const DocumentCheck& check) {
  std::vector<rapidjson::Document> docs(run.size());
  std::vector<std::pair<std::string, const rapidjson::Value*>> reports;
  std::string hashes;
  for (size_t i = 0; i < run.size(); ++i) {
    const engine::OutboundMessage& m = *run[i];
    if (m.registry != registry || m.kind != "DeliveryReport")
      throw std::logic_error(registry + " wrapRun: not " + what + ": " + m.registry + " " + m.kind);
    docs[i].Parse(m.body.data(), m.body.size());
    if (docs[i].HasParseError() || !docs[i].IsObject())
      throw std::logic_error(registry + " wrapRun: rendered report " + m.idempotencyKey + " is not JSON");
    reports.emplace_back(m.idempotencyKey, &docs[i]);
    hashes += m.contentHash + ",";
  }
  engine::OutboundMessage w;
  w.body = incrementalDelivery(reports, deliveryTimestamp(asOf), shape);
  rapidjson::Document wrapped;
  wrapped.Parse(w.body.data(), w.body.size());
  diag::Collector found;
  check(wrapped, diag::Reporter(found, registry));
  for (const diag::Diagnostic& d : found.diagnostics())
    if (d.severity == diag::Severity::kError)
      throw std::logic_error(registry + " wrapRun: the IncrementalDelivery does not validate: " + diag::toTextLine(d));
  w.registry = registry;
  w.kind = "IncrementalDelivery";
  w.idempotencyKey = wrapped["id"].GetString();
  w.contentHash = util::sha256Hex("IncrementalDelivery|" + hashes);
  w.deliveryDay = asOf.iso();
  putBundle(w, w.idempotencyKey);
  return w;
}

}  // namespace reghub::kl_gateway
