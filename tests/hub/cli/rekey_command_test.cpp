// `reghub rekey` as an operator runs it: the new key as REGHUB_STORE_KEY, the
// old one in REGHUB_STORE_RETIRED_KEYS; afterwards the new key alone opens
// the store (before, it does not: the control), and the audit trail says so.
#include <gtest/gtest.h>

#include <cstdlib>

#include "hub/store/delivery_store.h"
#include "tests/support/store_test_support.h"

namespace reghub::store {
namespace {

const std::string kNewKey = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpbXF1eX2A=";
const std::string kLookup = "ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A=";

TEST(RekeyCommand, SealsEverythingWithTheNewKey) {
  testing::TempDir dir("reghub-rekey");
  const std::string url = "sqlite:" + (dir.path() / "store.db").string();
  {
    auto store = DeliveryStore::open({url, testing::testKeyring()});  // key id test-k1
    for (int i = 0; i < 3; ++i) store->enqueue(testing::sampleMessage(i), "", 1000);
  }
  const auto newOnly = std::make_shared<const Keyring>("k2", kNewKey, kLookup);
  EXPECT_THROW(DeliveryStore::open({url, newOnly}), KeyError);
  const std::string env = "REGHUB_STORE_KEY=" + kNewKey + " REGHUB_STORE_KEY_ID=k2 REGHUB_STORE_LOOKUP_KEY=" + kLookup +
                          " REGHUB_STORE_RETIRED_KEYS=test-k1:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
  ASSERT_EQ(std::system((env + " " + REGHUB_BINARY + " rekey --store " + url + " --batch 2 > /dev/null 2>&1").c_str()), 0);
  auto store = DeliveryStore::open({url, newOnly});
  EXPECT_EQ(store->claim(10, "w", 2000, 60000).size(), 3u);
  ASSERT_FALSE(store->audit().empty());
  EXPECT_EQ(store->audit().back().action, "rekey");
  EXPECT_NE(store->audit().back().detail.find("3 messages and diagnostics"), std::string::npos) << store->audit().back().detail;
}

}  // namespace
}  // namespace reghub::store
