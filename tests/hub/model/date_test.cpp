#include "hub/model/date.h"

#include <gtest/gtest.h>

using reghub::model::Date;
using reghub::model::DateTime;

TEST(Date, RoundTripsDays) {
  for (int z = -800000; z < 800000; z += 997) EXPECT_EQ(Date::fromDays(z).days(), z);
  EXPECT_EQ(Date::fromYmd(1970, 1, 1)->days(), 0);
}

TEST(Date, ParsesStrictIso) {
  EXPECT_TRUE(Date::parse("2026-04-01"));
  EXPECT_FALSE(Date::parse("2026-4-1"));
  EXPECT_FALSE(Date::parse("2026-02-29"));
  EXPECT_TRUE(Date::parse("2024-02-29"));
}

TEST(DateTime, CopenhagenDayOfUtcInstant) {
  // CONTRACT §3: 2026-03-31T22:00:00Z is 1 April in Copenhagen (CEST, +2).
  EXPECT_EQ(DateTime::parse("2026-03-31T22:00:00Z")->copenhagenDate(), *Date::fromYmd(2026, 4, 1));
  EXPECT_EQ(DateTime::parse("2026-03-31T21:59:59Z")->copenhagenDate(), *Date::fromYmd(2026, 3, 31));
  // Winter: +1.
  EXPECT_EQ(DateTime::parse("2026-01-10T23:00:00Z")->copenhagenDate(), *Date::fromYmd(2026, 1, 11));
  EXPECT_EQ(DateTime::parse("2026-01-10T22:59:00Z")->copenhagenDate(), *Date::fromYmd(2026, 1, 10));
}

TEST(DateTime, OffsetsAndLocalTime) {
  EXPECT_EQ(DateTime::parse("2026-05-01T10:00:00+02:00")->epochSeconds(),
            DateTime::parse("2026-05-01T08:00:00Z")->epochSeconds());
  // No zone: Copenhagen wall time.
  EXPECT_EQ(DateTime::parse("2026-05-01T10:00:00")->epochSeconds(),
            DateTime::parse("2026-05-01T08:00:00Z")->epochSeconds());
  EXPECT_EQ(DateTime::parse("2026-05-14T09:12:05.123Z")->isoUtc(), "2026-05-14T09:12:05Z");
}

TEST(DateTime, RejectsMalformed) {
  for (const char* bad : {"", "2026", "2026-13", "2026-05-01T25:00:00Z", "2026-05-01T10:00Z", "2026-05-01 10:00:00",
                          "2026-05-01T10:00:00+2:00", "2026-05-01T10:00:00.Z"}) {
    if (std::string(bad) == "2026") continue;  // a year is a valid FHIR dateTime
    EXPECT_FALSE(DateTime::parse(bad)) << bad;
  }
  EXPECT_EQ(DateTime::parse("2026")->precision(), DateTime::Precision::kYear);
}
