#pragma once
// § 140 genoptræning (KL Gateway Rehab IG v2.2.0). See README.md.
// Holds its settings (settings.h), built once at start-up (register.cpp);
// otherwise stateless and thread-safe: the data (rehab_data.h) is loaded
// once, on first use — a missing or inconsistent file throws
// std::runtime_error then. No I/O except in makeDeliverer/makeSandbox (TLS
// files, sockets). Data problems are diagnostics, never exceptions.
//
// The citizen, not a forløb, is what § 140 selects (selectsCitizen): a GGOP
// is reported from the day it arrives, before any forløb exists. Reports are
// built from the adapter's own view of the citizen (rehab_view.h).
#include <memory>
#include <optional>

#include "adapters/kl_gateway/delivery_settings.h"
#include "adapters/rehab/settings.h"
#include "hub/engine/adapter.h"

namespace reghub::rehab {

class RehabAdapter final : public engine::Adapter {
 public:
  explicit RehabAdapter(std::shared_ptr<const Settings> settings,
                        std::shared_ptr<kl_gateway::SubjectTokenSource> sts = nullptr);
  std::string_view name() const override { return "rehab"; }
  std::string_view description() const override {
    return "KL § 140 genoptræning delivery reports (SUL § 140) to FK Gateway, FHIR";
  }
  // A KL DeliveryReport / IncrementalDelivery of this IG (by meta.profile) is validated as it stands.
  void inspectSource(const engine::SourceDocument& doc, const engine::RunContext& ctx,
                     const diag::Reporter& out) const override;
  // No forløb on its own: § 140 selects the citizen.
  bool selects(const model::Citizen&, const model::Forloeb&, const engine::RunContext&,
               const diag::Reporter&) const override {
    return false;
  }
  // A citizen with § 140 data (CONTRACT §1) and a CPR-nummer; never one from a KL report given as input.
  bool selectsCitizen(const model::Citizen& citizen, const engine::RunContext& ctx,
                      const diag::Reporter& out) const override;
  void validate(const model::Citizen& citizen, const std::vector<const model::Forloeb*>& selected,
                const engine::RunContext& ctx, const diag::Reporter& out) const override;
  // Pure: one report per day with changes (PUT /fhir/Bundle/{id}); none with an error.
  std::vector<engine::OutboundMessage> render(const model::Citizen& citizen,
                                              const std::vector<const model::Forloeb*>& selected,
                                              const engine::RunContext& ctx,
                                              const engine::PriorDeliveries& prior) const override;
  std::unique_ptr<const engine::PreparedCitizen> prepare(const model::Citizen& citizen,
                                                         const std::vector<const model::Forloeb*>& selected,
                                                         const engine::RunContext& ctx,
                                                         const diag::Reporter& out) const override;
  std::vector<engine::OutboundMessage> render(const engine::PreparedCitizen& prepared,
                                              const std::vector<const model::Forloeb*>& clean,
                                              const engine::PriorDeliveries& prior) const override;
  // One klgateway-140-incremental-delivery holding every report of the run (`translate --wrap`).
  std::optional<engine::OutboundMessage> wrapRun(const std::vector<const engine::OutboundMessage*>& run,
                                                 const engine::RunContext& ctx) const override;
  // nullptr without rehab.endpoint. With rehab.auth.realm the deliverers share one FK Gateway access.
  std::unique_ptr<engine::Deliverer> makeDeliverer() const override;
  std::string deliveryTarget() const override { return settings_->delivery.endpoint; }
  std::vector<engine::CredentialInfo> credentials() const override;
  std::unique_ptr<engine::Sandbox> makeSandbox(const engine::SandboxOptions& options) const override;
  std::map<std::string, std::string> sandboxClientConfig(const engine::Sandbox& sandbox) const override;
  void synthesize(const engine::SynthCitizen& citizen, engine::SynthRng& rng, bool seedMistake,
                  std::vector<std::string>& resources, std::vector<engine::SeededMistake>& seeded) const override;

  const Settings& settings() const { return *settings_; }
  // The shared FK Gateway access; nullopt without rehab.auth.realm. Throws
  // config::ConfigError when the certificate cannot be loaded.
  std::optional<kl_gateway::GatewayAccess> gatewayAccess() const { return access_.access(); }

 private:
  // The reports built and validated; `hashed` false (validate: nothing is
  // rendered) without their content hashes, the diagnostics the same.
  std::unique_ptr<const engine::PreparedCitizen> prepareReports(const model::Citizen& citizen,
                                                                const std::vector<const model::Forloeb*>& selected,
                                                                const engine::RunContext& ctx, const diag::Reporter& out,
                                                                bool hashed) const;

  std::shared_ptr<const Settings> settings_;
  kl_gateway::GatewayAccessHolder access_;  // one FK Gateway access for all deliverers
};

}  // namespace reghub::rehab
