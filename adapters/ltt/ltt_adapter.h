#pragma once
// Det Lettilgængelige Behandlingstilbud (KL LTT IG v1.0.1). See README.md.
// Holds its settings (settings.h), built once at start-up (register.cpp);
// otherwise stateless and thread-safe: the data files (ltt_data.h) are loaded
// once, when the first settings are built (the default reporting start is
// theirs) — a missing or inconsistent file throws std::runtime_error then.
// No I/O except in inspectSource (none), makeDeliverer/makeSandbox (TLS
// files, sockets). Data problems are diagnostics, never exceptions.
#include <memory>
#include <optional>

#include "adapters/kl_gateway/delivery_settings.h"
#include "adapters/ltt/report_builder.h"
#include "adapters/ltt/settings.h"
#include "hub/engine/adapter.h"

namespace reghub::ltt {

struct PreparedLtt;  // ltt_adapter.cpp

class LttAdapter final : public engine::Adapter {
 public:
  // The declared defaults and their environment variables (no file).
  LttAdapter();
  explicit LttAdapter(std::shared_ptr<const Settings> settings);
  // `sts`: where the SAML assertions come from (tests); default KOMBIT STS per ltt.auth.sts.*.
  LttAdapter(std::shared_ptr<const Settings> settings, std::shared_ptr<kl_gateway::SubjectTokenSource> sts);
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
  // validate() that keeps the reports it built and checked.
  std::unique_ptr<const engine::PreparedCitizen> prepare(const model::Citizen& citizen,
                                                         const std::vector<const model::Forloeb*>& selected,
                                                         const engine::RunContext& ctx,
                                                         const diag::Reporter& out) const override;
  // render() from the prepared reports; built again when a forløb was dropped.
  std::vector<engine::OutboundMessage> render(const engine::PreparedCitizen& prepared,
                                              const std::vector<const model::Forloeb*>& clean,
                                              const engine::PriorDeliveries& prior) const override;
  // One KLGatewayLTTIncrementalDelivery holding every DeliveryReport of the
  // run, in order (`reghub translate --wrap`). Id from the reports' ids,
  // timestamp the end of the --as-of day, so the same run gives the same
  // bundle. Checked by the IG validator; an error there is a bug and throws
  // std::logic_error.
  std::optional<engine::OutboundMessage> wrapRun(const std::vector<const engine::OutboundMessage*>& run,
                                                 const engine::RunContext& ctx) const override;
  // nullptr without ltt.endpoint: LTT is then validated and rendered only.
  // With ltt.auth.realm every deliverer shares one FK Gateway access (token
  // cache), built on the first call: loads the function certificate and
  // throws config::ConfigError when it cannot.
  std::unique_ptr<engine::Deliverer> makeDeliverer() const override;
  std::string deliveryTarget() const override { return settings_->endpoint; }
  // The FK Gateway function certificate (ltt.auth.*), loaded on the first
  // call (throws config::ConfigError when it cannot be); none without ltt.auth.realm.
  std::vector<engine::CredentialInfo> credentials() const override;
  // Daily from ltt.reportingStart (2026-04-01): yesterday's changes by the end of today.
  std::shared_ptr<const engine::DeadlineRule> deadlineRule() const override;
  std::unique_ptr<engine::Sandbox> makeSandbox(const engine::SandboxOptions& options) const override;
  std::map<std::string, std::string> sandboxClientConfig(const engine::Sandbox& sandbox) const override;
  void synthesize(const engine::SynthCitizen& citizen, engine::SynthRng& rng, bool seedMistake,
                  std::vector<std::string>& resources, std::vector<engine::SeededMistake>& seeded) const override;

  const Settings& settings() const { return *settings_; }
  // The shared FK Gateway access (null without ltt.auth.realm); built on
  // first use. Throws config::ConfigError when the certificate cannot be loaded.
  std::shared_ptr<kl_gateway::GatewayAuth> gatewayAuth() const;
  // The same, with the loaded function certificate (`reghub check`); nullopt without ltt.auth.realm.
  std::optional<kl_gateway::GatewayAccess> gatewayAccess() const;

 private:
  // prepare(), building the reports as `body` says (validate: kCheckOnly).
  std::unique_ptr<PreparedLtt> check(const model::Citizen& citizen, const std::vector<const model::Forloeb*>& selected,
                                     const engine::RunContext& ctx, const diag::Reporter& out,
                                     ReportBuilder::Body body) const;
  // The DeliveryReport message of a built report, with `body` as its JSON.
  engine::OutboundMessage message(const model::Citizen& citizen, const std::vector<const model::Forloeb*>& selected,
                                  const PlannedReport& rep, std::string body) const;

  std::shared_ptr<const Settings> settings_;
  kl_gateway::GatewayAccessHolder access_;  // built once, shared by all deliverers
};

}  // namespace reghub::ltt
