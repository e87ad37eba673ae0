#pragma once
// The adapters' certificates (engine::CredentialInfo) as /health JSON,
// Prometheus lines and `reghub status` text: days left and a state that
// turns "expiring" 30 days before the end and "expired" after it. Pure
// formatting; thread-safe.
#include <cstdint>
#include <string>
#include <vector>

#include "hub/engine/credential_info.h"

namespace reghub::api {

engine::CredentialState worstCredentialState(const std::vector<engine::CredentialInfo>& credentials, int64_t nowMillis);
// [{"setting":…,"subject":…,"notAfter":"…Z","daysLeft":N,"state":"ok|expiring|expired"}]
std::string credentialsJson(const std::vector<engine::CredentialInfo>& credentials, int64_t nowMillis);
// reghub_certificate_expiry_timestamp_seconds{setting=…} and …_days_left; "" when there are none.
std::string credentialMetrics(const std::vector<engine::CredentialInfo>& credentials, int64_t nowMillis);
// One line per certificate, with a WARNING / ERROR word when it needs action; "" when there are none.
std::string credentialsText(const std::vector<engine::CredentialInfo>& credentials, int64_t nowMillis);

}  // namespace reghub::api
