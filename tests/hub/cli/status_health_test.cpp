// `reghub status --health`: the same judgement as /health from the store
// (hub/api/health_check.h) — ok and exit 0 for a quiet store, failing and
// exit 1 when a registry's oldest message has waited past
// health.waitingFailingMinutes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>

#include "hub/store/delivery_store.h"
#include "tests/support/store_test_support.h"

namespace reghub::store {
namespace {

const std::string kEnv =
    "REGHUB_STORE_KEY=AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA= "
    "REGHUB_STORE_LOOKUP_KEY=ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A= REGHUB_STORE_KEY_ID=test-k1";

struct Result {
  int code = -1;
  std::string out;
};

Result status(const std::string& url, const std::string& extra = {}) {
  Result r;
  FILE* p = ::popen((kEnv + " " + REGHUB_BINARY + " status --health --store " + url + extra + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = ::pclose(p);
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

TEST(StatusHealth, AQuietStoreIsOkAndAMessageWaitingForDaysIsFailing) {
  testing::TempDir dir("reghub-status-health");
  const std::string url = "sqlite:" + (dir.path() / "store.db").string();
  DeliveryStore::open({url, testing::testKeyring()});
  Result r = status(url);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("health: ok"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("smdb: ok"), std::string::npos) << r.out;
  DeliveryStore::open({url, testing::testKeyring()})
      ->enqueue(testing::sampleMessage(1, "smdb"), "", nowMillis() - 80 * 3'600'000LL);
  r = status(url);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("health: failing"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("the oldest waiting message waits for 80 h"), std::string::npos) << r.out;
  r = status(url, " --format json");
  EXPECT_NE(r.out.find(R"({"status":"failing")"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace reghub::store
