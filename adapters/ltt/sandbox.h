#pragma once
// `reghub sandbox ltt`: FK Gateway's stand-in (adapters/kl_gateway/gateway_sandbox.h)
// judging each PUT with the LTT validator the hub uses (ltt_validator.h),
// with the adapter's settings (ltt.reportingStart, ltt.sandbox.*, ltt.auth.*).
#include <memory>

#include "adapters/kl_gateway/gateway_sandbox.h"
#include "adapters/ltt/settings.h"

namespace reghub::ltt {

using kl_gateway::ReceivedReport;
using kl_gateway::SandboxFaults;

class LttSandbox final : public kl_gateway::GatewaySandbox {
 public:
  LttSandbox(const engine::SandboxOptions& options, std::shared_ptr<const Settings> settings,
             kl_gateway::StsStandInFactory sts = {});
};

}  // namespace reghub::ltt
