#include "adapters/smdb/smdb_adapter.h"

#include <stdexcept>

namespace reghub::smdb {

// Placeholder until issue #3 lands: selects SMDB forløb by legal basis only.
bool SmdbAdapter::selects(const model::Citizen&, const model::Forloeb& f, const engine::RunContext&,
                          const diag::Reporter&) const {
  for (const char* code : {"SEL-101", "SUL-142", "BL-33"})
    if (f.hasProgram("urn:reghub:legal-basis", code)) return true;
  return false;
}

void SmdbAdapter::validate(const model::Citizen&, const std::vector<const model::Forloeb*>&,
                           const engine::RunContext&, const diag::Reporter&) const {}

std::vector<engine::OutboundMessage> SmdbAdapter::render(const model::Citizen&,
                                                         const std::vector<const model::Forloeb*>&,
                                                         const engine::RunContext&,
                                                         const engine::PriorDeliveries&) const {
  return {};
}

std::unique_ptr<engine::Deliverer> SmdbAdapter::makeDeliverer(const Poco::Util::AbstractConfiguration&) const {
  throw std::runtime_error("smdb: delivery not implemented yet");
}

std::unique_ptr<engine::Sandbox> SmdbAdapter::makeSandbox(const engine::SandboxOptions&) const {
  throw std::runtime_error("smdb: sandbox not implemented yet");
}

}  // namespace reghub::smdb
