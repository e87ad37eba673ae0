#include "hub/engine/adapter_registry.h"

#include <gtest/gtest.h>

using reghub::engine::AdapterRegistry;

TEST(AdapterRegistry, RegisteredNamesAreTheAdapterFolders) {
  const std::vector<std::string> expected = {"ltt", "smdb"};
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
  EXPECT_THROW(AdapterRegistry::add("smdb", [] { return AdapterRegistry::create("smdb"); }), std::logic_error);
}
