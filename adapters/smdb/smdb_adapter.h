#pragma once
// Stofmisbrugsdatabasen (Danmarks Statistik). See README.md.
// The adapter loads its field tables and the kommune list when it is
// constructed (throws std::runtime_error if mapping/ is missing or broken)
// and holds its settings, built once (register.cpp); afterwards every
// method is const and thread-safe.
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "adapters/smdb/field_table.h"
#include "adapters/smdb/forloeb_view.h"
#include "adapters/smdb/idws_client.h"
#include "adapters/smdb/municipalities.h"
#include "adapters/smdb/settings.h"
#include "adapters/smdb/systemskifte.h"
#include "hub/engine/adapter.h"

namespace reghub::smdb {

// Systemskifte model 2 changes the forløb (systemskifte.h): the rules and the
// renderer work on adjusted copies, kept alive in `copies`.
std::vector<const model::Forloeb*> effectiveForloeb(const Settings& s, const std::vector<const model::Forloeb*>& selected,
                                                    std::vector<model::Forloeb>& copies,
                                                    std::map<const model::Forloeb*, SkifteOutcome>* outcomes = nullptr);

// What validating a citizen built, kept for rendering: the systemskifte
// copies (model 2) and one view per selected forløb, in their order. The
// views point into `copies` (reserved once, never grown) or at the citizen.
struct PreparedSmdb final : engine::PreparedCitizen {
  using engine::PreparedCitizen::PreparedCitizen;
  std::vector<model::Forloeb> copies;
  std::vector<ForloebView> views;
  // Sager made outside the hub that are these forløb (held_sager.h): message key → SmdbId.
  std::map<std::string, std::string> adopted;
};

class SmdbAdapter final : public engine::Adapter {
 public:
  // The declared defaults (no configuration).
  SmdbAdapter();
  explicit SmdbAdapter(std::shared_ptr<const Settings> settings);
  std::string_view name() const override { return "smdb"; }
  std::string_view description() const override {
    return "Stofmisbrugsdatabasen (DST): § 101 SEL / § 142 SUL / § 33 BL, SOAP IndsaetData";
  }
  bool understandsQuestionnaire(std::string_view canonical) const override;
  bool selects(const model::Citizen& citizen, const model::Forloeb& forloeb, const engine::RunContext& ctx,
               const diag::Reporter& out) const override;
  void validate(const model::Citizen& citizen, const std::vector<const model::Forloeb*>& selected,
                const engine::RunContext& ctx, const diag::Reporter& out) const override;
  std::vector<engine::OutboundMessage> render(const model::Citizen& citizen,
                                              const std::vector<const model::Forloeb*>& selected,
                                              const engine::RunContext& ctx,
                                              const engine::PriorDeliveries& prior) const override;
  // validate() that keeps its systemskifte copies and views (PreparedSmdb).
  std::unique_ptr<const engine::PreparedCitizen> prepare(const model::Citizen& citizen,
                                                         const std::vector<const model::Forloeb*>& selected,
                                                         const engine::RunContext& ctx,
                                                         const diag::Reporter& out) const override;
  // render() from the prepared views of the clean forløb.
  std::vector<engine::OutboundMessage> render(const engine::PreparedCitizen& prepared,
                                              const std::vector<const model::Forloeb*>& clean,
                                              const engine::PriorDeliveries& prior) const override;
  // Delivery needs the OIO IDWS credentials: without a function
  // certificate SMDB is validate-only (no deliverer, empty target). The
  // first deliverer loads them (I/O; config::ConfigError naming the key);
  // every deliverer shares that one IdwsClient and so its token cache.
  std::unique_ptr<engine::Deliverer> makeDeliverer() const override;
  std::string deliveryTarget() const override {
    return settings_->idws.hasFunctionCertificate() ? settings_->endpoint : std::string();
  }
  // The function certificate, when one is configured and readable (a file
  // that cannot be read is the deliverer's error to report, at start-up).
  std::vector<engine::CredentialInfo> credentials() const override;
  // The process's one IdwsClient (made on first use). Throws config::ConfigError.
  std::shared_ptr<IdwsClient> idwsClient() const;
  // Deletions SMDB-web must make for what was withdrawn (deletion_tasks.h).
  std::vector<engine::ManualTask> tasks(const model::Citizen& citizen, const engine::RunContext& ctx,
                                        const engine::PriorDeliveries& prior) const override;
  // HentData, when delivery is configured (sync.h).
  // A month's activity by the 15th of the following month (mapping/smdb/manifest.json "deadline").
  std::shared_ptr<const engine::DeadlineRule> deadlineRule() const override;
  std::unique_ptr<engine::RegistrySync> makeSync() const override;
  std::vector<std::string> syncKommuner() const override { return settings_->syncKommuner; }
  std::unique_ptr<engine::Sandbox> makeSandbox(const engine::SandboxOptions& options) const override;
  std::map<std::string, std::string> sandboxClientConfig(const engine::Sandbox& sandbox) const override;
  void synthesize(const engine::SynthCitizen& citizen, engine::SynthRng& rng, bool seedMistake,
                  std::vector<std::string>& resources, std::vector<engine::SeededMistake>& seeded) const override;

  const FieldTable& table() const { return *table_; }
  const Settings& settings() const { return *settings_; }

 private:
  std::shared_ptr<const FieldTable> table_;
  std::shared_ptr<const Municipalities> kommuner_;
  std::shared_ptr<const Settings> settings_;
  mutable std::mutex idwsMu_;
  mutable std::shared_ptr<IdwsClient> idws_;
};

}  // namespace reghub::smdb
