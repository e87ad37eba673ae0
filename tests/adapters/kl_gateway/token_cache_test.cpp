// The per-process token cache: single flight over many worker threads, one
// STS call and one exchange per token lifetime (against the real token
// endpoint over HTTPS), refresh before expiry, no storm on bad credentials.
#include "adapters/kl_gateway/token_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "gateway_fixture.h"

namespace reghub::kl_gateway {
namespace {

using namespace std::chrono_literals;

TEST(TokenCache, NMessagesOverMWorkersMakeOneStsCallAndOneExchangePerLifetime) {
  test::GatewayFixture f;
  TokenCacheOptions o;
  o.refreshMargin = 30s;
  o.now = [&f] { return f.clock.now(); };
  const auto auth = f.auth(std::make_shared<TokenCache>(o));
  constexpr int kWorkers = 8, kMessages = 400;
  std::atomic<int> next{0}, good{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&] {
      while (next++ < kMessages)
        if (auth->bearer().outcome == AuthOutcome::kOk) good++;
    });
  for (auto& t : workers) t.join();
  EXPECT_EQ(good.load(), kMessages);
  EXPECT_EQ(f.sts.calls.load(), 1);
  EXPECT_EQ(f.endpoint->issuedCount(), 1);
  EXPECT_EQ(f.requests.load(), 1);

  // 120 s tokens, refreshed 30 s early: at +91 s the next lifetime begins.
  f.clock.advance(89s);
  EXPECT_EQ(auth->bearer().outcome, AuthOutcome::kOk);
  EXPECT_EQ(f.endpoint->issuedCount(), 1) << "still inside the first lifetime";
  f.clock.advance(2s);
  workers.clear();
  next = 0;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&] {
      while (next++ < kMessages) EXPECT_EQ(auth->bearer().outcome, AuthOutcome::kOk);
    });
  for (auto& t : workers) t.join();
  EXPECT_EQ(f.sts.calls.load(), 2);
  EXPECT_EQ(f.endpoint->issuedCount(), 2);
}

TEST(TokenCache, ARefusedTokenIsReplacedOnceNotByEveryCaller) {
  test::GatewayFixture f;
  auto cache = std::make_shared<TokenCache>(TokenCacheOptions{30s, 60s, [&f] { return f.clock.now(); }});
  const auto auth = f.auth(cache);
  const std::string first = auth->bearer().token.value;
  auth->refused(first);
  auth->refused(first);  // a second worker saw the same 401
  const std::string second = auth->bearer().token.value;
  EXPECT_TRUE(second != first);  // (never print a token, not even in a failing test)
  auth->refused(first);  // late: the old token, already replaced
  EXPECT_TRUE(auth->bearer().token.value == second);
  EXPECT_EQ(f.endpoint->issuedCount(), 2);
}

TEST(TokenCache, RejectedCredentialsAreRememberedSoNoRetryStorm) {
  test::GatewayFixture f;
  auto cache = std::make_shared<TokenCache>(TokenCacheOptions{30s, 60s, [&f] { return f.clock.now(); }});
  // A key the gateway does not know: invalid_client.
  auto auth = std::make_shared<GatewayAuth>(std::shared_ptr<SubjectTokenSource>(&f.sts, [](SubjectTokenSource*) {}),
                                            std::make_shared<TokenExchangeClient>(f.exchangeConfig()),
                                            f.signer(test::newRsaKey()), cache, "aud", [&f] { return f.clock.now(); });
  for (int i = 0; i < 50; ++i) {
    const auto r = auth->bearer();
    ASSERT_EQ(r.outcome, AuthOutcome::kRejected);
    EXPECT_NE(r.error.find("unknown kid"), std::string::npos);
  }
  EXPECT_EQ(f.requests.load(), 1);
  f.clock.advance(61s);
  EXPECT_EQ(auth->bearer().outcome, AuthOutcome::kRejected);
  EXPECT_EQ(f.requests.load(), 2) << "asked again after the hold";
}

TEST(TokenCache, TransientFailuresAreNotRememberedAndWaitersShareOneAttempt) {
  std::atomic<int> calls{0};
  TokenCache cache;
  std::vector<std::thread> ts;
  std::atomic<int> retries{0};
  for (int i = 0; i < 6; ++i)
    ts.emplace_back([&] {
      const auto r = cache.get("a", [&] {
        calls++;
        std::this_thread::sleep_for(200ms);
        return TokenFetch::retry(503, "down");
      });
      if (r.outcome == AuthOutcome::kRetry) retries++;
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(retries.load(), 6);
  EXPECT_LT(calls.load(), 6) << "callers arriving during a fetch share it";
  const int before = calls.load();
  cache.get("a", [&] {
    calls++;
    return TokenFetch::retry(503, "down");
  });
  EXPECT_EQ(calls.load(), before + 1) << "a transient failure is asked again";
}

TEST(TokenCache, ShortLivedTokensAreRefreshedHalfWayNotOnEveryCall) {
  test::TestClock clock;
  TokenCache cache(TokenCacheOptions{60s, 60s, [&clock] { return clock.now(); }});
  int calls = 0;
  const auto fetch = [&] {
    ++calls;
    return TokenFetch::ok(AccessToken{"t" + std::to_string(calls), "Bearer", clock.now() + 20s, ""});
  };
  for (int i = 0; i < 10; ++i) cache.get("a", fetch);
  EXPECT_EQ(calls, 1);
  clock.advance(11s);
  EXPECT_EQ(cache.get("a", fetch).token.value, "t2");
}

TEST(TokenCache, AudiencesAreSeparate) {
  TokenCache cache;
  int calls = 0;
  const auto fetch = [&] {
    ++calls;
    return TokenFetch::ok(AccessToken{"t" + std::to_string(calls), "Bearer", Clock::now() + 1h, ""});
  };
  EXPECT_EQ(cache.get("ltt", fetch).token.value, "t1");
  EXPECT_EQ(cache.get("rehab", fetch).token.value, "t2");
  EXPECT_EQ(cache.get("ltt", fetch).token.value, "t1");
}

}  // namespace
}  // namespace reghub::kl_gateway
