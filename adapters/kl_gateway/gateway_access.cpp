#include "adapters/kl_gateway/gateway_access.h"

#include "adapters/kl_gateway/kombit_sts.h"

namespace reghub::kl_gateway {

GatewayAccess makeGatewayAccess(const AuthSettings& s, std::shared_ptr<SubjectTokenSource> sts) {
  GatewayAccess a;
  a.credentials = std::make_shared<const security::Credentials>(security::Credentials::load(
      {s.credentials.certFile, s.credentials.keyFile, s.credentials.pkcs12File, s.credentials.passphraseEnv,
       s.credentials.setting}));
  EVP_PKEY* key = a.credentials->privateKey();
  EVP_PKEY_up_ref(key);  // shared with the Credentials, which keep their own reference
  auto signer = std::make_shared<const ClientAssertionSigner>(
      ClientAssertionConfig{s.clientId, s.realm, s.assertionLifetime, s.kid}, adoptKey(key));
  if (!sts) sts = makeKombitStsSource(s.sts, a.credentials);
  auto cache = std::make_shared<TokenCache>(TokenCacheOptions{s.refreshMargin, s.rejectedHold});
  a.auth = std::make_shared<GatewayAuth>(std::move(sts), std::make_shared<TokenExchangeClient>(s.exchange),
                                         std::move(signer), std::move(cache), s.sts.appliesTo);
  return a;
}

}  // namespace reghub::kl_gateway
