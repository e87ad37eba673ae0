// The one token cache rule set (hub/security/single_flight_cache.h), over a
// plain result type: one fetch for many callers, refresh before expiry, a
// failed refresh keeps a still-valid token, permanent failures are held,
// transient ones are not, invalidate() respects minReissue, a throwing
// fetch is a transient failure.
#include "hub/security/single_flight_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace reghub::security {
namespace {

using namespace std::chrono_literals;
using TimePoint = std::chrono::system_clock::time_point;

struct Fetched {
  bool ok = false, permanent = false;
  std::string id;
  TimePoint expires{};
};
struct Traits {
  static bool ok(const Fetched& r) { return r.ok; }
  static bool permanent(const Fetched& r) { return r.permanent; }
  static TimePoint expires(const Fetched& r) { return r.expires; }
  static std::string id(const Fetched& r) { return r.id; }
  static Fetched failure(std::string) { return Fetched{}; }
};
using Cache = SingleFlightCache<Fetched, Traits>;

struct FakeClock {
  TimePoint t = TimePoint{} + 1000h;
  std::function<TimePoint()> fn() {
    return [this] { return t; };
  }
};

SingleFlightOptions options(FakeClock& c, std::chrono::milliseconds minReissue = 0ms) {
  SingleFlightOptions o;
  o.refreshMargin = 5min;
  o.failureHold = 1min;
  o.minReissue = minReissue;
  o.now = c.fn();
  return o;
}

TEST(SingleFlightCache, ManyCallersAtOnceCauseOneFetch) {
  Cache cache({});
  std::atomic<int> calls{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      for (int k = 0; k < 25; ++k)
        EXPECT_TRUE(cache
                        .get("aud",
                             [&] {
                               ++calls;
                               std::this_thread::sleep_for(20ms);
                               return Fetched{true, false, "t1", std::chrono::system_clock::now() + 1h};
                             })
                        .ok);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(cache.fetches(), 1u);
}

TEST(SingleFlightCache, RefreshesWithinTheMarginAndKeepsTheOldTokenWhenThatFails) {
  FakeClock clock;
  Cache cache(options(clock));
  bool serverUp = true;
  int n = 0;
  const auto fetch = [&] {
    ++n;
    return serverUp ? Fetched{true, false, "t" + std::to_string(n), clock.t + 1h} : Fetched{};
  };
  EXPECT_EQ(cache.get("a", fetch).id, "t1");
  clock.t += 50min;  // 10 minutes left: outside the 5-minute margin
  EXPECT_EQ(cache.get("a", fetch).id, "t1");
  EXPECT_EQ(n, 1);
  clock.t += 6min;  // 4 minutes left: refresh
  serverUp = false;
  EXPECT_EQ(cache.get("a", fetch).id, "t1");  // the refresh failed, the old one still works
  EXPECT_EQ(n, 2);
  clock.t += 5min;  // now the old one has expired
  EXPECT_FALSE(cache.get("a", fetch).ok);
}

TEST(SingleFlightCache, PermanentFailureIsHeldTransientIsNot) {
  FakeClock clock;
  Cache cache(options(clock));
  int n = 0;
  const auto refused = [&] {
    ++n;
    return Fetched{false, true, "", {}};
  };
  EXPECT_FALSE(cache.get("a", refused).ok);
  EXPECT_FALSE(cache.get("a", refused).ok);
  EXPECT_EQ(n, 1);  // held: no storm against the server
  clock.t += 61s;
  EXPECT_FALSE(cache.get("a", refused).ok);
  EXPECT_EQ(n, 2);

  int m = 0;
  const auto down = [&] {
    ++m;
    return Fetched{};
  };
  EXPECT_FALSE(cache.get("b", down).ok);
  EXPECT_FALSE(cache.get("b", down).ok);
  EXPECT_EQ(m, 2);  // transient: asked again (the outbox spaces the retries)
}

TEST(SingleFlightCache, InvalidateForgetsTheCurrentTokenOnlyWhenOldEnough) {
  FakeClock clock;
  Cache cache(options(clock, 1min));
  int n = 0;
  const auto fetch = [&] {
    ++n;
    return Fetched{true, false, "t" + std::to_string(n), clock.t + 8h};
  };
  cache.get("a", fetch);
  EXPECT_FALSE(cache.invalidate("a", "t1"));  // too young: our credentials, not the token
  clock.t += 2min;
  EXPECT_FALSE(cache.invalidate("a", "other"));  // not the cached one
  EXPECT_TRUE(cache.invalidate("a", "t1"));
  EXPECT_EQ(cache.get("a", fetch).id, "t2");
}

TEST(SingleFlightCache, AThrowingFetchIsATransientFailure) {
  Cache cache({});
  const auto r = cache.get("a", []() -> Fetched { throw std::runtime_error("boom"); });
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(cache.get("a", [] { return Fetched{true, false, "t", std::chrono::system_clock::now() + 1h}; }).id, "t");
}

}  // namespace
}  // namespace reghub::security
