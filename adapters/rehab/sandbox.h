#pragma once
// `reghub sandbox rehab`: FK Gateway's stand-in (adapters/kl_gateway/gateway_sandbox.h)
// judging each PUT by the same § 140 checks the hub runs before sending
// (report_check.h: the IG's profiles, every REH rule the data shows), with
// the adapter's settings (rehab.sandbox.*, rehab.auth.*).
#include <memory>

#include "adapters/kl_gateway/gateway_sandbox.h"
#include "adapters/rehab/settings.h"

namespace reghub::rehab {

class RehabSandbox final : public kl_gateway::GatewaySandbox {
 public:
  RehabSandbox(const engine::SandboxOptions& options, std::shared_ptr<const Settings> settings,
               kl_gateway::StsStandInFactory sts = {});
};

}  // namespace reghub::rehab
