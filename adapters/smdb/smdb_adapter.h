#pragma once
// Stofmisbrugsdatabasen (Danmarks Statistik). See README.md.
#include "hub/engine/adapter.h"

namespace reghub::smdb {

class SmdbAdapter final : public engine::Adapter {
 public:
  std::string_view name() const override { return "smdb"; }
  std::string_view description() const override {
    return "Stofmisbrugsdatabasen (DST): § 101 SEL / § 142 SUL / § 33 BL, SOAP IndsaetData";
  }
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
};

}  // namespace reghub::smdb
