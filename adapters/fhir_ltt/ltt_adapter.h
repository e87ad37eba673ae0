#pragma once
// Det Lettilgængelige Behandlingstilbud (KL LTT IG v1.0.1). See README.md.
// Stateless and thread-safe: the data files (ltt_data.h) are loaded once on
// first use — a missing or inconsistent file throws std::runtime_error then.
// No I/O except in inspectSource (none), makeDeliverer/makeSandbox (TLS
// files, sockets). Data problems are diagnostics, never exceptions.
#include "hub/engine/adapter.h"

namespace reghub::ltt {

class LttAdapter final : public engine::Adapter {
 public:
  std::string_view name() const override { return "ltt"; }
  std::string_view description() const override {
    return "KL LTT delivery reports (SUL § 126a) to FK Gateway, FHIR";
  }
  // A KL DeliveryReport / IncrementalDelivery (by meta.profile) is validated as it stands.
  void inspectSource(const engine::SourceDocument& doc, const engine::RunContext& ctx,
                     const diag::Reporter& out) const override;
  // LTT forløb in the reporting period, of a citizen with a CPR; never those from a KL bundle.
  bool selects(const model::Citizen& citizen, const model::Forloeb& forloeb, const engine::RunContext& ctx,
               const diag::Reporter& out) const override;
  // Model checks + the IG validator on every report the citizen's forløb map to.
  void validate(const model::Citizen& citizen, const std::vector<const model::Forloeb*>& selected,
                const engine::RunContext& ctx, const diag::Reporter& out) const override;
  // Pure: one DeliveryReport per day with changes (PUT /fhir/Bundle/{id}); none with an error.
  std::vector<engine::OutboundMessage> render(const model::Citizen& citizen,
                                              const std::vector<const model::Forloeb*>& selected,
                                              const engine::RunContext& ctx,
                                              const engine::PriorDeliveries& prior) const override;
  // One KLGatewayLTTIncrementalDelivery holding every DeliveryReport of the
  // run, in order (`reghub translate --wrap`). Id from the reports' ids,
  // timestamp the end of the --as-of day, so the same run gives the same
  // bundle. Checked by the IG validator; an error there is a bug and throws
  // std::logic_error.
  std::optional<engine::OutboundMessage> wrapRun(const std::vector<const engine::OutboundMessage*>& run,
                                                 const engine::RunContext& ctx) const override;
  // Throw std::invalid_argument on bad/unknown "ltt.*" configuration.
  std::unique_ptr<engine::Deliverer> makeDeliverer(const Poco::Util::AbstractConfiguration& config) const override;
  std::unique_ptr<engine::Sandbox> makeSandbox(const engine::SandboxOptions& options) const override;
  std::map<std::string, std::string> sandboxClientConfig(const engine::Sandbox& sandbox) const override;
  void synthesize(const engine::SynthCitizen& citizen, engine::SynthRng& rng, bool seedMistake,
                  std::vector<std::string>& resources, std::vector<engine::SeededMistake>& seeded) const override;
};

}  // namespace reghub::ltt
