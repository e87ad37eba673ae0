#include "adapters/fhir_ltt/ltt_adapter.h"

#include <rapidjson/document.h>

#include <stdexcept>

#include "adapters/fhir_ltt/ig_validator.h"

namespace reghub::ltt {

void LttAdapter::inspectSource(const engine::SourceDocument& doc, const engine::RunContext& ctx,
                               const diag::Reporter& out) const {
  if (!doc.root || klBundleKind(*doc.root) == KlBundleKind::kNone) return;
  const LttData& data = LttData::get();
  IgOptions opt;
  opt.reportingStart = data.reportingStart();
  opt.asOf = ctx.asOf;
  const std::string id = doc.root->HasMember("id") && (*doc.root)["id"].IsString() ? (*doc.root)["id"].GetString() : "";
  IgValidator(data).validateDocument(*doc.root, opt, out.withPath("Bundle" + (id.empty() ? "" : "/" + id)));
}

// Placeholder until issue #4 lands: selects CarePlans with the LTT activity code.
bool LttAdapter::selects(const model::Citizen&, const model::Forloeb& f, const engine::RunContext&,
                         const diag::Reporter&) const {
  return f.hasProgram("http://fhir.kl.dk/term/CodeSystem/CareSocialCodes", "01302bcb-c7f3-42c4-8ded-68e33da064eb");
}

void LttAdapter::validate(const model::Citizen&, const std::vector<const model::Forloeb*>&,
                          const engine::RunContext&, const diag::Reporter&) const {}

std::vector<engine::OutboundMessage> LttAdapter::render(const model::Citizen&,
                                                        const std::vector<const model::Forloeb*>&,
                                                        const engine::RunContext&,
                                                        const engine::PriorDeliveries&) const {
  return {};
}

std::unique_ptr<engine::Deliverer> LttAdapter::makeDeliverer(const Poco::Util::AbstractConfiguration&) const {
  throw std::runtime_error("ltt: delivery not implemented yet");
}

std::unique_ptr<engine::Sandbox> LttAdapter::makeSandbox(const engine::SandboxOptions&) const {
  throw std::runtime_error("ltt: sandbox not implemented yet");
}

}  // namespace reghub::ltt
