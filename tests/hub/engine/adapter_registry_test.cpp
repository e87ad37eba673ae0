// The registry holds factories: each declares its keys (all under its own
// prefix) and builds the adapter from its section once; an unknown key or a
// bad value under the prefix refuses to build, naming the key.
#include "hub/engine/adapter_registry.h"

#include <gtest/gtest.h>

using reghub::config::Config;
using reghub::config::ConfigError;
using reghub::engine::AdapterFactory;
using reghub::engine::AdapterRegistry;

TEST(AdapterRegistry, RegisteredNamesAreTheAdapterFolders) {
  const std::vector<std::string> expected = {"ltt", "rehab", "smdb"};
  EXPECT_EQ(AdapterRegistry::registeredNames(), expected);
  for (const auto& name : expected) {
    auto a = AdapterRegistry::create(name);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->name(), name);
    EXPECT_FALSE(a->description().empty());
  }
  EXPECT_EQ(AdapterRegistry::create("nosuch"), nullptr);
}

TEST(AdapterRegistry, RefusesADuplicateName) {
  const AdapterFactory* smdb = AdapterRegistry::factory("smdb");
  ASSERT_NE(smdb, nullptr);
  EXPECT_THROW(AdapterRegistry::add(*smdb), std::logic_error);
}

TEST(AdapterRegistry, EveryFactoryDeclaresItsKeysUnderItsOwnPrefixWithADescription) {
  for (const auto& name : AdapterRegistry::registeredNames()) {
    const auto& keys = AdapterRegistry::factory(name)->keys();
    EXPECT_FALSE(keys.empty()) << name;
    for (const auto& k : keys) {
      EXPECT_EQ(k.name.rfind(name + ".", 0), 0u) << k.name;
      EXPECT_FALSE(k.description.empty()) << k.name;
      EXPECT_TRUE(k.problemWith(k.defaultValue).empty() || k.defaultValue.empty()) << k.name << " default";
    }
  }
}

TEST(AdapterRegistry, UnknownKeyUnderThePrefix_RefusesToBuildNamingIt) {
  for (const auto& name : AdapterRegistry::registeredNames()) {
    const std::string typo = name + ".endpont";
    try {
      AdapterRegistry::create(name, Config::fromMap({{typo, "https://x"}}, "t.properties"));
      FAIL() << name << " accepted " << typo;
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.key(), typo);
      EXPECT_NE(std::string(e.what()).find("t.properties"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("did you mean '" + name + ".endpoint'"), std::string::npos) << e.what();
    }
  }
}

TEST(AdapterRegistry, KeysOfOtherSectionsAreNotTheAdaptersBusiness) {
  EXPECT_NO_THROW(AdapterRegistry::createAll(Config::fromMap({{"store.url", "sqlite:x.db"}, {"other.key", "1"}})));
}

TEST(AdapterRegistry, UnconfiguredRegistry_BuildsAndValidatesButDoesNotDeliver) {
  const auto ltt = AdapterRegistry::create("ltt", Config::fromMap({}));
  ASSERT_NE(ltt, nullptr);
  EXPECT_EQ(ltt->makeDeliverer(), nullptr);
  EXPECT_EQ(ltt->deliveryTarget(), "");
  const auto configured = AdapterRegistry::create("ltt", Config::fromMap({{"ltt.endpoint", "https://127.0.0.1:1"}}));
  EXPECT_NE(configured->makeDeliverer(), nullptr);
  EXPECT_EQ(configured->deliveryTarget(), "https://127.0.0.1:1");
}

TEST(AdapterRegistry, BadValueUnderThePrefix_RefusesToBuildNamingTheAllowedValues) {
  try {
    AdapterRegistry::create("smdb", Config::fromMap({{"smdb.kvalhepMissingSeverity", "fatal"}}));
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "smdb.kvalhepMissingSeverity");
    EXPECT_NE(std::string(e.what()).find("warning, error"), std::string::npos) << e.what();
  }
  EXPECT_THROW(AdapterRegistry::create("ltt", Config::fromMap({{"ltt.endpoint", "http://insecure"}})), ConfigError);
  EXPECT_NO_THROW(AdapterRegistry::create("smdb", Config::fromMap({{"smdb.kvalhepMissingSeverity", "error"}})));
}
