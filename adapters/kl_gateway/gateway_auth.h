#pragma once
// FK Gateway access for a deliverer: a bearer token for every PUT, from the
// per-process token cache, fetched when needed as
//   KOMBIT STS assertion (SubjectTokenSource) → token exchange with a fresh
//   JWS client assertion (TokenExchangeClient) → AccessToken,
// i.e. one STS call and one exchange per token lifetime, never per message.
// Thread-safe: one GatewayAuth is shared by all workers of a process.
#include <memory>
#include <string>

#include "adapters/kl_gateway/client_assertion.h"
#include "adapters/kl_gateway/subject_token.h"
#include "adapters/kl_gateway/token_cache.h"
#include "adapters/kl_gateway/token_exchange.h"

namespace reghub::kl_gateway {

// What a deliverer needs: a token to send, and a way to say the server
// refused it (a 401), so the next call fetches another.
class BearerSource {
 public:
  virtual ~BearerSource() = default;
  virtual TokenFetch bearer() = 0;
  virtual void refused(const std::string& tokenValue) = 0;
};

class GatewayAuth final : public BearerSource {
 public:
  // `audience` names the cache entry (the gateway's service entity id).
  GatewayAuth(std::shared_ptr<SubjectTokenSource> sts, std::shared_ptr<TokenExchangeClient> exchange,
              std::shared_ptr<const ClientAssertionSigner> signer, std::shared_ptr<TokenCache> cache,
              std::string audience, std::function<Clock::time_point()> now = [] { return Clock::now(); });

  TokenFetch bearer() override;
  void refused(const std::string& tokenValue) override;
  // One STS call and one exchange, bypassing the cache.
  TokenFetch fetchNew();
  // The two steps of fetchNew() one by one (`reghub check` reports each).
  SubjectTokenResult issueSubjectToken();
  TokenFetch exchange(const SubjectToken& subject);
  const ClientAssertionSigner& signer() const { return *signer_; }

 private:
  std::shared_ptr<SubjectTokenSource> sts_;
  std::shared_ptr<TokenExchangeClient> exchange_;
  std::shared_ptr<const ClientAssertionSigner> signer_;
  std::shared_ptr<TokenCache> cache_;
  std::string audience_;
  std::function<Clock::time_point()> now_;
};

}  // namespace reghub::kl_gateway
