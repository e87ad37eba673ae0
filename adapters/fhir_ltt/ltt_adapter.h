#pragma once
// Det Lettilgængelige Behandlingstilbud (KL LTT IG v1.0.1). See README.md.
#include "hub/engine/adapter.h"

namespace reghub::ltt {

class LttAdapter final : public engine::Adapter {
 public:
  std::string_view name() const override { return "ltt"; }
  std::string_view description() const override {
    return "KL LTT delivery reports (SUL § 126a) to FK Gateway, FHIR";
  }
  void inspectSource(const engine::SourceDocument& doc, const engine::RunContext& ctx,
                     const diag::Reporter& out) const override;
  bool selects(const model::Citizen& citizen, const model::Forloeb& forloeb, const engine::RunContext& ctx,
               const diag::Reporter& out) const override;
  void validate(const model::Citizen& citizen, const std::vector<const model::Forloeb*>& selected,
                const engine::RunContext& ctx, const diag::Reporter& out) const override;
  std::vector<engine::OutboundMessage> render(const model::Citizen& citizen,
                                              const std::vector<const model::Forloeb*>& selected,
                                              const engine::RunContext& ctx,
                                              const engine::PriorDeliveries& prior) const override;
  std::unique_ptr<engine::Deliverer> makeDeliverer(const Poco::Util::AbstractConfiguration& config) const override;
  std::unique_ptr<engine::Sandbox> makeSandbox(const engine::SandboxOptions& options) const override;
  void synthesize(const engine::SynthCitizen& citizen, engine::SynthRng& rng, bool seedMistake,
                  std::vector<std::string>& resources, std::vector<engine::SeededMistake>& seeded) const override;
};

}  // namespace reghub::ltt
