// Encryption at rest (docs/STORE.md "Keys"): AES-256-GCM sealing bound to
// its row, key ids for rotation, keyed CPR hash.
#include <gtest/gtest.h>

#include "hub/store/keyring.h"

namespace reghub::store {
namespace {

const std::string kKeyA = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
const std::string kKeyB = "ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A=";

TEST(Keyring, Seal_RoundTripsAndHidesPlaintext) {
  Keyring k("k1", kKeyA);
  const std::string sealed = k.seal("0101601235 Søren", "ctx");
  EXPECT_EQ(sealed.find("0101601235"), std::string::npos);
  EXPECT_EQ(k.open("k1", sealed, "ctx"), "0101601235 Søren");
}

TEST(Keyring, Seal_FreshNonceEachTime) {
  Keyring k("k1", kKeyA);
  EXPECT_NE(k.seal("same", "ctx"), k.seal("same", "ctx"));
}

TEST(Keyring, Open_OtherRowContextFails) {
  Keyring k("k1", kKeyA);
  EXPECT_THROW(k.open("k1", k.seal("x", "row-1"), "row-2"), KeyError);
}

TEST(Keyring, Open_TamperedValueFails) {
  Keyring k("k1", kKeyA);
  std::string sealed = k.seal("some personal data", "ctx");
  sealed[20] = sealed[20] == 'A' ? 'B' : 'A';
  EXPECT_THROW(k.open("k1", sealed, "ctx"), KeyError);
}

TEST(Keyring, Rotation_OldRowsOpenWithRetiredKey) {
  Keyring before("k1", kKeyA, kKeyB);
  const std::string old = before.seal("old row", "ctx");
  Keyring after("k2", kKeyB, kKeyB);
  EXPECT_THROW(after.open("k1", old, "ctx"), KeyError);  // k1 not known yet
  after.addRetiredKeys("k1:" + kKeyA);
  EXPECT_EQ(after.open("k1", old, "ctx"), "old row");
  EXPECT_EQ(after.currentKeyId(), "k2");
  EXPECT_EQ(after.lookupHash("0101601235"), before.lookupHash("0101601235"));  // same lookup key
}

TEST(Keyring, Rotation_DerivedLookupKeyKeptByGivingFirstKeyAsLookupKey) {
  Keyring first("k1", kKeyA);  // began without store.lookupKey
  Keyring rotated("k2", kKeyB, kKeyA);
  EXPECT_EQ(rotated.lookupHash("0101601235"), first.lookupHash("0101601235"));
  Keyring forgot("k2", kKeyB);  // what happens without it: lookups break
  EXPECT_NE(forgot.lookupHash("0101601235"), first.lookupHash("0101601235"));
}

TEST(Keyring, Config_BadKeysAreClearErrors) {
  EXPECT_THROW(Keyring("k1", "c2hvcnQ="), KeyError);  // 5 bytes
  try {
    Keyring("k1", "c2hvcnQ=");
  } catch (const KeyError& e) {
    EXPECT_NE(std::string(e.what()).find("openssl rand -base64 32"), std::string::npos);
  }
  EXPECT_THROW(Keyring("", kKeyA), KeyError);
  Keyring k("k1", kKeyA);
  EXPECT_THROW(k.addRetiredKeys("no-colon"), KeyError);
}

TEST(Keyring, LookupHash_KeyedAndStable) {
  Keyring a("k1", kKeyA, kKeyA);
  Keyring b("k1", kKeyA, kKeyB);
  EXPECT_EQ(a.lookupHash("0101601235"), a.lookupHash("0101601235"));
  EXPECT_NE(a.lookupHash("0101601235"), b.lookupHash("0101601235"));
  EXPECT_EQ(a.lookupHash("0101601235").size(), 64u);
  EXPECT_EQ(a.lookupHash("0101601235").find("0101601235"), std::string::npos);
}

TEST(Keyring, Generate_GivesUsableDistinctKeys) {
  const std::string k1 = Keyring::generateKeyB64();
  EXPECT_NE(k1, Keyring::generateKeyB64());
  Keyring k("gen", k1);
  EXPECT_EQ(k.open("gen", k.seal("x", "c"), "c"), "x");
}

}  // namespace
}  // namespace reghub::store
