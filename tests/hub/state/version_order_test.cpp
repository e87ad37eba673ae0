// hub/state/version_order.h: which version of a resource the hub keeps (CONTRACT §1).
#include "hub/state/version_order.h"

#include <gtest/gtest.h>

namespace reghub::state {
namespace {

ResourceVersion v(const char* lastUpdated, std::optional<int64_t> versionId = std::nullopt) {
  return {lastUpdated ? model::DateTime::parse(lastUpdated) : std::nullopt, versionId};
}

TEST(VersionOrder, NewerLastUpdatedWins) {
  EXPECT_TRUE(arrivesOlder(v("2026-05-01T10:00:00Z"), v("2026-05-02T10:00:00Z")));
  EXPECT_FALSE(arrivesOlder(v("2026-05-03T10:00:00Z"), v("2026-05-02T10:00:00Z")));
}

TEST(VersionOrder, EqualOrAbsentLastUpdatedFallsBackToNumericVersionId) {
  EXPECT_TRUE(arrivesOlder(v("2026-05-01T10:00:00Z", 2), v("2026-05-01T10:00:00Z", 3)));
  EXPECT_TRUE(arrivesOlder(v(nullptr, 2), v("2026-05-01T10:00:00Z", 3)));
  EXPECT_FALSE(arrivesOlder(v(nullptr, 4), v(nullptr, 3)));
}

TEST(VersionOrder, NothingToCompareMeansTheLaterArrivalWins) {
  EXPECT_FALSE(arrivesOlder(v(nullptr), v(nullptr)));
  EXPECT_FALSE(arrivesOlder(v("2026-05-01T10:00:00Z"), v("2026-05-01T10:00:00Z")));
}

TEST(VersionOrder, OnlyWholeNumbersAreVersionIds) {
  EXPECT_EQ(numericVersionId("12"), 12);
  EXPECT_FALSE(numericVersionId("").has_value());
  EXPECT_FALSE(numericVersionId("W/\"3\"").has_value());
  EXPECT_FALSE(numericVersionId("-1").has_value());
  EXPECT_FALSE(numericVersionId("3a").has_value());
}

}  // namespace
}  // namespace reghub::state
