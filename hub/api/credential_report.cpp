#include "hub/api/credential_report.h"

#include <sstream>

#include "hub/api/status_report.h"
#include "hub/util/json_writer.h"

namespace reghub::api {

using engine::CredentialInfo;
using engine::CredentialState;

CredentialState worstCredentialState(const std::vector<CredentialInfo>& credentials, int64_t nowMillis) {
  CredentialState worst = CredentialState::kOk;
  for (const CredentialInfo& c : credentials) {
    const CredentialState s = engine::credentialState(c, nowMillis);
    if (static_cast<int>(s) > static_cast<int>(worst)) worst = s;
  }
  return worst;
}

std::string credentialsJson(const std::vector<CredentialInfo>& credentials, int64_t nowMillis) {
  std::string out = "[";
  for (const CredentialInfo& c : credentials) {
    if (out.size() > 1) out += ',';
    out += R"({"setting":)";
    util::appendJsonString(out, c.setting);
    out += R"(,"subject":)";
    util::appendJsonString(out, c.subject);
    out += R"(,"notAfter":)";
    util::appendJsonString(out, isoTime(c.notAfterMillis));
    out += R"(,"daysLeft":)" + std::to_string(engine::credentialDaysLeft(c, nowMillis)) + R"(,"state":)";
    util::appendJsonString(out, engine::toString(engine::credentialState(c, nowMillis)));
    out += '}';
  }
  return out + "]";
}

std::string credentialMetrics(const std::vector<CredentialInfo>& credentials, int64_t nowMillis) {
  if (credentials.empty()) return {};
  std::ostringstream out;
  out << "# HELP reghub_certificate_expiry_timestamp_seconds When an adapter's certificate expires (Unix time).\n"
         "# TYPE reghub_certificate_expiry_timestamp_seconds gauge\n";
  for (const CredentialInfo& c : credentials)
    out << "reghub_certificate_expiry_timestamp_seconds{setting=\"" << promLabel(c.setting) << "\"} "
        << c.notAfterMillis / 1000 << "\n";
  out << "# HELP reghub_certificate_days_left Whole days until an adapter's certificate expires (negative: expired).\n"
         "# TYPE reghub_certificate_days_left gauge\n";
  for (const CredentialInfo& c : credentials)
    out << "reghub_certificate_days_left{setting=\"" << promLabel(c.setting) << "\"} "
        << engine::credentialDaysLeft(c, nowMillis) << "\n";
  return out.str();
}

std::string credentialsText(const std::vector<CredentialInfo>& credentials, int64_t nowMillis) {
  std::string out;
  for (const CredentialInfo& c : credentials) {
    const int64_t days = engine::credentialDaysLeft(c, nowMillis);
    const std::string until = isoTime(c.notAfterMillis).substr(0, 10);
    switch (engine::credentialState(c, nowMillis)) {
      case CredentialState::kOk:
        out += "certificate " + c.setting + " valid until " + until + " (" + std::to_string(days) + " days)";
        break;
      case CredentialState::kExpiring:
        out += "WARNING certificate " + c.setting + " expires " + until + " (" + std::to_string(days) +
               " days): renew it and set the new one before then (certifikatet udløber snart)";
        break;
      case CredentialState::kExpired:
        out += "ERROR certificate " + c.setting + " expired " + until +
               ": nothing can be delivered with it; install a renewed certificate (certifikatet er udløbet)";
        break;
    }
    out += " — " + c.subject + "\n";
  }
  return out;
}

}  // namespace reghub::api
