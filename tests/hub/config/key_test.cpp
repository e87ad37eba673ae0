// Each key type accepts what it declares and refuses the rest with a
// message naming the key and what would be right (one keep and one break
// per check).
#include "hub/config/key.h"

#include <gtest/gtest.h>

namespace reghub::config {
namespace {

bool ok(const Key& k, const std::string& v) {
  return k.problemWith(v).empty();
}

TEST(ConfigKey, Int_WholeNumbersInRange) {
  const Key k = intKey("x.n", "n").range(1, 10);
  EXPECT_TRUE(ok(k, "1"));
  EXPECT_TRUE(ok(k, "10"));
  EXPECT_FALSE(ok(k, "0"));
  EXPECT_FALSE(ok(k, "11"));
  EXPECT_FALSE(ok(k, "many"));
  EXPECT_FALSE(ok(k, "3.5"));
  EXPECT_FALSE(ok(k, "4 "));
  EXPECT_FALSE(ok(k, ""));
  EXPECT_NE(k.problemWith("many").find("x.n must be a whole number from 1 to 10, got 'many'"), std::string::npos)
      << k.problemWith("many");
}

TEST(ConfigKey, Millis_NotNegativeByDefault) {
  const Key k = millisKey("x.ms", "ms");
  EXPECT_TRUE(ok(k, "0"));
  EXPECT_TRUE(ok(k, "250"));
  EXPECT_FALSE(ok(k, "-1"));
  EXPECT_FALSE(ok(k, "soon"));
  EXPECT_NE(k.problemWith("soon").find("milliseconds"), std::string::npos);
}

TEST(ConfigKey, Bool_TrueFalseAndTheUsualSpellings) {
  const Key k = boolKey("x.b", "b");
  for (const char* v : {"true", "false", "TRUE", "yes", "no", "on", "off", "1", "0"}) EXPECT_TRUE(ok(k, v)) << v;
  EXPECT_FALSE(ok(k, "maybe"));
  EXPECT_NE(k.problemWith("maybe").find("true or false"), std::string::npos);
}

TEST(ConfigKey, Enum_OnlyTheAllowedValuesWhichTheMessageLists) {
  const Key k = enumKey("x.sev", {"warning", "error"}, "s");
  EXPECT_TRUE(ok(k, "warning"));
  EXPECT_TRUE(ok(k, "error"));
  EXPECT_FALSE(ok(k, "Warning"));
  EXPECT_FALSE(ok(k, "warn"));
  EXPECT_EQ(k.problemWith("warn"), "x.sev must be one of warning, error; got 'warn'");
}

TEST(ConfigKey, Date_ARealCalendarDay) {
  const Key k = dateKey("x.d", "d");
  EXPECT_TRUE(ok(k, "2026-04-01"));
  EXPECT_TRUE(ok(k, "2024-02-29"));
  EXPECT_FALSE(ok(k, "2025-02-29"));
  EXPECT_FALSE(ok(k, "2026-13-01"));
  EXPECT_FALSE(ok(k, "01-04-2026"));
  EXPECT_FALSE(ok(k, "2026-4-1"));
  EXPECT_NE(k.problemWith("01-04-2026").find("YYYY-MM-DD"), std::string::npos);
}

TEST(ConfigKey, Date_ExtraWordsWhenDeclared) {
  const Key plain = dateKey("x.d", "d");
  const Key today = dateKey("x.d", "d").orWords({"today"});
  EXPECT_FALSE(ok(plain, "today"));
  EXPECT_TRUE(ok(today, "today"));
  EXPECT_FALSE(ok(today, "tomorrow"));
}

TEST(ConfigKey, Url_TheDeclaredSchemesOnly) {
  const Key https = urlKey("x.url", {"https"}, "u");
  EXPECT_TRUE(ok(https, "https://smdbws.dst.dk"));
  EXPECT_FALSE(ok(https, "http://smdbws.dst.dk"));
  EXPECT_FALSE(ok(https, "https://"));
  EXPECT_FALSE(ok(https, "smdbws.dst.dk"));
  EXPECT_NE(https.problemWith("http://x").find("https://"), std::string::npos);
  const Key any = urlKey("x.url", {}, "u");
  EXPECT_TRUE(ok(any, "http://fhir.kl.dk/ltt"));
  EXPECT_FALSE(ok(any, "ftp://x"));
}

TEST(ConfigKey, TimeOfDay_HhMm) {
  const Key k = timeOfDayKey("x.t", "t");
  EXPECT_TRUE(ok(k, "02:00"));
  EXPECT_TRUE(ok(k, "23:59"));
  EXPECT_FALSE(ok(k, "24:00"));
  EXPECT_FALSE(ok(k, "2:00"));
  EXPECT_FALSE(ok(k, "02:60"));
  EXPECT_EQ(parseTimeOfDay("02:30"), 150);
  EXPECT_EQ(parseTimeOfDay("0230"), std::nullopt);
}

TEST(ConfigKey, StringPathList_AnyText) {
  EXPECT_TRUE(ok(stringKey("x.s", "s"), "anything at all"));
  EXPECT_TRUE(ok(pathKey("x.p", "p"), "/etc/reghub/ca.pem"));
  EXPECT_TRUE(ok(listKey("x.l", "l"), "a, b,c"));
}

TEST(ConfigKey, Secret_ValueNeverInTheMessage) {
  const Key k = intKey("x.secret", "s").asSecret();
  const std::string p = k.problemWith("hunter2");
  EXPECT_FALSE(p.empty());
  EXPECT_EQ(p.find("hunter2"), std::string::npos) << p;
  EXPECT_NE(p.find("x.secret"), std::string::npos);
}

TEST(ConfigKey, Pattern_OnePlaceholderSegment) {
  const Key k = timeOfDayKey("delivery.<registry>.dailyAt", "d");
  EXPECT_TRUE(k.matches("delivery.ltt.dailyAt"));
  EXPECT_FALSE(k.matches("delivery.dailyAt"));
  EXPECT_FALSE(k.matches("delivery.ltt.x.dailyAt"));
  EXPECT_FALSE(k.matches("delivery.ltt.dailyat"));
  EXPECT_EQ(k.placeholderValue("delivery.ltt.dailyAt"), "ltt");
  EXPECT_EQ(k.instantiate("smdb").name, "delivery.smdb.dailyAt");
}

TEST(ConfigKey, FindKey_ExactBeforePattern) {
  const std::vector<Key> keys = {intKey("outbox.retry.<registry>.maxAttempts", "r"),
                                 intKey("outbox.retry.maxAttempts", "d")};
  ASSERT_NE(findKey(keys, "outbox.retry.maxAttempts"), nullptr);
  EXPECT_EQ(findKey(keys, "outbox.retry.maxAttempts")->description, "d");
  EXPECT_EQ(findKey(keys, "outbox.retry.ltt.maxAttempts")->description, "r");
  EXPECT_EQ(findKey(keys, "outbox.retry.ltt.maxAtempts"), nullptr);
}

TEST(ConfigKey, ClosestKey_SuggestsTheMisspeltName) {
  const std::vector<Key> keys = {enumKey("smdb.hiddenFieldSeverity", {"warning"}, "h"), pathKey("smdb.caFile", "c")};
  EXPECT_EQ(closestKey(keys, "smdb.hiden_field_severity"), "smdb.hiddenFieldSeverity");
  EXPECT_EQ(closestKey(keys, "smdb.cafile"), "smdb.caFile");
  EXPECT_EQ(closestKey(keys, "smdb.somethingElseEntirely"), "");
}

}  // namespace
}  // namespace reghub::config
