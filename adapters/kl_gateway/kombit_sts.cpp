#include "adapters/kl_gateway/kombit_sts.h"

namespace reghub::kl_gateway {

// PLACEHOLDER until hub/security's WS-Trust client and STS stand-in are
// merged (branch oioidws): no STS, so no token can be had.
namespace {
class NoSts final : public SubjectTokenSource {
 public:
  SubjectTokenResult issue() override {
    return {AuthOutcome::kRejected, {}, "this build has no WS-Trust client yet (hub/security)"};
  }
};
}  // namespace

std::shared_ptr<SubjectTokenSource> makeKombitStsSource(const StsSettings&, std::shared_ptr<const security::Credentials>) {
  return std::make_shared<NoSts>();
}

std::unique_ptr<StsStandIn> kombitStsStandIn(const std::string&, const std::string&, const SandboxAuthOptions&) {
  return nullptr;
}

}  // namespace reghub::kl_gateway
