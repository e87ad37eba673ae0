// The store's key canary (DeliveryStore::checkKeys), on SQLite and
// PostgreSQL: a store opened with keys other than the ones its data were
// written with refuses to open, saying which setting to fix; a retired key
// in the ring still opens it (and the canary moves to the current key).
#include <gtest/gtest.h>

#include "hub/store/sql_db.h"
#include "tests/hub/store/store_backend.h"

namespace reghub::store {
namespace {

using testing::StoreBackend;

constexpr const char* kKeyA = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
constexpr const char* kKeyB = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY=";
constexpr const char* kLookup = "ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A=";

std::shared_ptr<const Keyring> ring(const char* id, const char* key, const char* lookup = kLookup,
                                    const std::string& retired = {}) {
  auto k = std::make_shared<Keyring>(id, key, lookup);
  if (!retired.empty()) k->addRetiredKeys(retired);
  return k;
}

class KeyCanary : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_ = std::make_unique<StoreBackend>(testing::currentTestName());
    DeliveryStore::open({backend_->url(), ring("k1", kKeyA)});  // written with key k1
  }
  std::unique_ptr<StoreBackend> backend_;
};

TEST_F(KeyCanary, TheSameKeysOpenTheStore) { EXPECT_NO_THROW(DeliveryStore::open({backend_->url(), ring("k1", kKeyA)})); }

TEST_F(KeyCanary, AnotherKeyIsRefusedNamingTheSetting) {
  try {
    DeliveryStore::open({backend_->url(), ring("k2", kKeyB)});
    FAIL() << "opened with a key the store was not written with";
  } catch (const KeyError& e) {
    EXPECT_NE(std::string(e.what()).find("written with key id 'k1'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("store.retiredKeys"), std::string::npos) << e.what();
  }
}

TEST_F(KeyCanary, TheSameIdWithAnotherKeyIsRefused) {
  EXPECT_THROW(DeliveryStore::open({backend_->url(), ring("k1", kKeyB)}), KeyError);
}

TEST_F(KeyCanary, AnotherLookupKeyIsRefused) {
  try {
    DeliveryStore::open({backend_->url(), ring("k1", kKeyA, kKeyB)});
    FAIL() << "opened with another lookup key";
  } catch (const KeyError& e) {
    EXPECT_NE(std::string(e.what()).find("store.lookupKey"), std::string::npos) << e.what();
  }
}

TEST_F(KeyCanary, ARotationWithTheOldKeyRetiredOpensAndMovesTheCanary) {
  EXPECT_NO_THROW(DeliveryStore::open({backend_->url(), ring("k2", kKeyB, kLookup, std::string("k1:") + kKeyA)}));
  // The canary is now under k2: k2 alone opens it.
  EXPECT_NO_THROW(DeliveryStore::open({backend_->url(), ring("k2", kKeyB)}));
}

TEST_F(KeyCanary, ADamagedCanaryIsRefusedAndCheckKeysSaysSoLater) {
  auto store = DeliveryStore::open({backend_->url(), ring("k1", kKeyA)});
  EXPECT_NO_THROW(store->checkKeys());
  auto raw = openDatabase(backend_->url());
  raw->query("UPDATE store_canary SET sealed = $1 WHERE id = 1", {std::string("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")});
  EXPECT_THROW(store->checkKeys(), KeyError);  // what /health asks
  EXPECT_THROW(DeliveryStore::open({backend_->url(), ring("k1", kKeyA)}), KeyError);
}

}  // namespace
}  // namespace reghub::store
