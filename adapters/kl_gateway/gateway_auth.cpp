#include "adapters/kl_gateway/gateway_auth.h"

namespace reghub::kl_gateway {

GatewayAuth::GatewayAuth(std::shared_ptr<SubjectTokenSource> sts, std::shared_ptr<TokenExchangeClient> exchange,
                         std::shared_ptr<const ClientAssertionSigner> signer, std::shared_ptr<TokenCache> cache,
                         std::string audience, std::function<Clock::time_point()> now)
    : sts_(std::move(sts)),
      exchange_(std::move(exchange)),
      signer_(std::move(signer)),
      cache_(std::move(cache)),
      audience_(std::move(audience)),
      now_(std::move(now)) {}

TokenFetch GatewayAuth::bearer() {
  return cache_->get(audience_, [this] { return fetchNew(); });
}

void GatewayAuth::refused(const std::string& tokenValue) { cache_->invalidate(audience_, tokenValue); }

SubjectTokenResult GatewayAuth::issueSubjectToken() { return sts_->issue(); }

TokenFetch GatewayAuth::exchange(const SubjectToken& subject) {
  const Clock::time_point now = now_();
  return exchange_->exchange(subject.assertionXml, signer_->sign(now), now);
}

TokenFetch GatewayAuth::fetchNew() {
  const SubjectTokenResult saml = issueSubjectToken();
  if (saml.outcome == AuthOutcome::kRejected) return TokenFetch::rejected(0, "KOMBIT STS: " + saml.error);
  if (saml.outcome == AuthOutcome::kRetry) return TokenFetch::retry(0, "KOMBIT STS: " + saml.error);
  return exchange(saml.token);
}

}  // namespace reghub::kl_gateway
