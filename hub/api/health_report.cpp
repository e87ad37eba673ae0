#include "hub/api/health_report.h"

#include <algorithm>
#include <sstream>

#include "hub/api/credential_report.h"
#include "hub/api/status_report.h"
#include "hub/util/json_writer.h"

namespace reghub::api {

namespace {

void raise(PartHealth& part, HealthState to, std::string why) {
  part.state = std::max(part.state, to);
  part.reasons.push_back(std::move(why));
}

std::string hoursText(int64_t millis) {
  const int64_t minutes = millis / 60'000;
  return minutes < 120 ? std::to_string(minutes) + " min" : std::to_string(minutes / 60) + " h";
}

bool belongsTo(const engine::CredentialInfo& c, const std::string& registry) {
  return c.setting.rfind(registry + ".", 0) == 0;
}

PartHealth judgeRegistry(const RegistryFacts& f, const HealthThresholds& t, int64_t now) {
  PartHealth h;
  if (f.consecutiveFailures && *f.consecutiveFailures >= t.failuresDegraded)
    raise(h, *f.consecutiveFailures >= t.failuresFailing ? HealthState::kFailing : HealthState::kDegraded,
          std::to_string(*f.consecutiveFailures) + " delivery attempts in a row failed");
  if (f.oldestWaiting) {
    const int64_t age = now - *f.oldestWaiting;
    if (age >= t.waitingDegradedMillis)
      raise(h, age >= t.waitingFailingMillis ? HealthState::kFailing : HealthState::kDegraded,
            "the oldest waiting message waits for " + hoursText(age));
  }
  for (const auto& c : f.certificates) {
    const auto state = worstCredentialState({c}, now);
    if (state == engine::CredentialState::kExpired) raise(h, HealthState::kFailing, "certificate " + c.setting + " expired");
    if (state == engine::CredentialState::kExpiring)
      raise(h, HealthState::kDegraded, "certificate " + c.setting + " ends within 30 days");
  }
  return h;
}

void appendOptionalTime(std::string& out, const char* key, const std::optional<int64_t>& millis) {
  out += std::string(",\"") + key + "\":";
  if (millis)
    util::appendJsonString(out, isoTime(*millis));
  else
    out += "null";
}

std::string reasonsJson(const std::vector<std::string>& reasons) {
  std::string out = "[";
  for (size_t i = 0; i < reasons.size(); ++i) {
    if (i) out += ",";
    util::appendJsonString(out, reasons[i]);
  }
  return out + "]";
}

}  // namespace

const char* toString(HealthState state) {
  switch (state) {
    case HealthState::kOk:
      return "ok";
    case HealthState::kDegraded:
      return "degraded";
    case HealthState::kFailing:
      return "failing";
  }
  return "?";
}

HealthReport judgeHealth(const StoreFacts& store, std::vector<RegistryFacts> registries,
                         const std::vector<engine::CredentialInfo>& certificates, const HealthThresholds& thresholds,
                         int64_t now) {
  HealthReport r;
  if (store.state != HealthState::kOk) raise(r.store, store.state, store.problem);
  for (const auto& c : certificates) {
    auto owner = std::find_if(registries.begin(), registries.end(), [&](const auto& f) { return belongsTo(c, f.registry); });
    if (owner == registries.end())
      r.otherCertificates.push_back(c);
    else
      owner->certificates.push_back(c);
  }
  PartHealth other;
  for (const auto& c : r.otherCertificates) {
    const auto state = worstCredentialState({c}, now);
    if (state == engine::CredentialState::kExpired) raise(other, HealthState::kFailing, "certificate " + c.setting + " expired");
    if (state == engine::CredentialState::kExpiring)
      raise(other, HealthState::kDegraded, "certificate " + c.setting + " ends within 30 days");
  }
  const auto collect = [&r](const std::string& part, const PartHealth& h) {
    r.state = std::max(r.state, h.state);
    for (const auto& why : h.reasons) r.reasons.push_back(part + ": " + why);
  };
  collect("store", r.store);
  for (auto& f : registries) {
    PartHealth h = judgeRegistry(f, thresholds, now);
    collect(f.registry, h);
    r.registries.emplace_back(std::move(f), std::move(h));
  }
  collect("certificates", other);
  return r;
}

int httpStatus(const HealthReport& report) { return report.state == HealthState::kFailing ? 503 : 200; }

std::string healthJson(const HealthReport& r, const StoreFacts& store,
                       const std::vector<engine::CredentialInfo>& certificates, int64_t now) {
  std::string out = R"({"status":")" + std::string(toString(r.state)) + R"(","reasons":)" + reasonsJson(r.reasons) +
                    R"(,"backlog":)" + std::to_string(store.backlog) + R"(,"store":{"status":")" +
                    toString(r.store.state) + R"(","reasons":)" + reasonsJson(r.store.reasons) + R"(},"registries":[)";
  for (size_t i = 0; i < r.registries.size(); ++i) {
    const auto& [f, h] = r.registries[i];
    if (i) out += ",";
    out += R"({"registry":)";
    util::appendJsonString(out, f.registry);
    out += R"(,"status":")" + std::string(toString(h.state)) + R"(","reasons":)" + reasonsJson(h.reasons);
    appendOptionalTime(out, "lastSuccess", f.lastSuccess);
    out += R"(,"oldestWaitingSeconds":)" + (f.oldestWaiting ? std::to_string((now - *f.oldestWaiting) / 1000) : "null");
    out += R"(,"consecutiveFailures":)" + (f.consecutiveFailures ? std::to_string(*f.consecutiveFailures) : "null");
    out += R"(,"certificates":)" + credentialsJson(f.certificates, now) + "}";
  }
  return out + R"(],"certificates":)" + credentialsJson(certificates, now) + "}";
}

std::string healthText(const HealthReport& r, int64_t now) {
  std::ostringstream out;
  out << "health: " << toString(r.state) << "\n";
  out << "  store: " << toString(r.store.state) << "\n";
  for (const auto& why : r.store.reasons) out << "    " << why << "\n";
  for (const auto& [f, h] : r.registries) {
    out << "  " << f.registry << ": " << toString(h.state) << "; last accepted "
        << (f.lastSuccess ? isoTime(*f.lastSuccess) : std::string("never")) << "; oldest waiting "
        << (f.oldestWaiting ? std::to_string((now - *f.oldestWaiting) / 1000) + " s" : std::string("none"))
        << "; failures in a row "
        << (f.consecutiveFailures ? std::to_string(*f.consecutiveFailures) : std::string("(known to `reghub run`)"))
        << "\n";
    for (const auto& why : h.reasons) out << "    " << why << "\n";
  }
  return out.str();
}

std::string healthMetrics(const HealthReport& r, int64_t now) {
  std::ostringstream out;
  out << "# HELP reghub_registry_health Per-registry health: 0 ok, 1 degraded, 2 failing.\n"
         "# TYPE reghub_registry_health gauge\n";
  for (const auto& [f, h] : r.registries)
    out << "reghub_registry_health{registry=\"" << promLabel(f.registry) << "\"} " << static_cast<int>(h.state) << "\n";
  out << "# HELP reghub_oldest_pending_age_seconds Age of the oldest waiting message per registry (0: none).\n"
         "# TYPE reghub_oldest_pending_age_seconds gauge\n";
  for (const auto& [f, h] : r.registries)
    out << "reghub_oldest_pending_age_seconds{registry=\"" << promLabel(f.registry) << "\"} "
        << (f.oldestWaiting ? (now - *f.oldestWaiting) / 1000 : 0) << "\n";
  out << "# HELP reghub_last_success_timestamp_seconds When the registry last accepted a message (absent: never).\n"
         "# TYPE reghub_last_success_timestamp_seconds gauge\n";
  for (const auto& [f, h] : r.registries)
    if (f.lastSuccess)
      out << "reghub_last_success_timestamp_seconds{registry=\"" << promLabel(f.registry) << "\"} "
          << *f.lastSuccess / 1000 << "\n";
  out << "# HELP reghub_consecutive_failures Delivery attempts in a row that did not reach the registry (this "
         "process).\n# TYPE reghub_consecutive_failures gauge\n";
  for (const auto& [f, h] : r.registries)
    if (f.consecutiveFailures)
      out << "reghub_consecutive_failures{registry=\"" << promLabel(f.registry) << "\"} " << *f.consecutiveFailures
          << "\n";
  return out.str();
}

}  // namespace reghub::api
