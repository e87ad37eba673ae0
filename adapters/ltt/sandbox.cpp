#include "adapters/ltt/sandbox.h"

#include <rapidjson/document.h>

#include "adapters/ltt/ltt_validator.h"

namespace reghub::ltt {

namespace {
kl_gateway::GatewaySandboxConfig sandboxConfig(std::shared_ptr<const Settings> settings) {
  kl_gateway::GatewaySandboxConfig c;
  c.prefix = "ltt";
  c.tlsDir = settings->sandboxTlsDir;
  c.requiresToken = settings->sandboxRequiresToken;
  c.auth = settings->auth;
  c.notAReport = [](const rapidjson::Document& d) {
    return klBundleKind(d) == KlBundleKind::kDeliveryReport
               ? std::string()
               : "expected a Bundle with meta.profile " + profileUrl(kProfileReport);
  };
  c.validate = [settings](const rapidjson::Document& d, const diag::Reporter& out) {
    IgOptions opt;
    opt.reportingStart = settings->reportingStart;
    opt.asOf = model::copenhagenToday();
    LttValidator::get().validateReport(d, opt, out);
  };
  return c;
}
}  // namespace

LttSandbox::LttSandbox(const engine::SandboxOptions& options, std::shared_ptr<const Settings> settings,
                       kl_gateway::StsStandInFactory sts)
    : GatewaySandbox(options, sandboxConfig(std::move(settings)), std::move(sts)) {}

}  // namespace reghub::ltt
