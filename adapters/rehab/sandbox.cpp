#include "adapters/rehab/sandbox.h"

#include <rapidjson/document.h>

#include "adapters/rehab/rehab_data.h"
#include "adapters/rehab/report_check.h"

namespace reghub::rehab {

namespace {
kl_gateway::GatewaySandboxConfig sandboxConfig(const Settings& settings) {
  kl_gateway::GatewaySandboxConfig c;
  c.prefix = "rehab";
  c.tlsDir = settings.delivery.sandboxTlsDir;
  c.requiresToken = settings.delivery.sandboxRequiresToken;
  c.auth = settings.delivery.auth;
  c.notAReport = [](const rapidjson::Document& d) -> std::string {
    const std::string want = profileUrl(kProfileReport);
    if (d.IsObject() && d.HasMember("meta") && d["meta"].IsObject() && d["meta"].HasMember("profile") &&
        d["meta"]["profile"].IsArray())
      for (const auto& p : d["meta"]["profile"].GetArray())
        if (p.IsString() && p.GetString() == want) return {};
    return "REH-DR-01: expected a Bundle with meta.profile " + want;
  };
  c.validate = [](const rapidjson::Document& d, const diag::Reporter& out) { checkReport(d, RehabData::get(), out); };
  return c;
}
}  // namespace

RehabSandbox::RehabSandbox(const engine::SandboxOptions& options, std::shared_ptr<const Settings> settings,
                           kl_gateway::StsStandInFactory sts)
    : GatewaySandbox(options, sandboxConfig(*settings), std::move(sts)) {}

}  // namespace reghub::rehab
