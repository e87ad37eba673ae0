// CPR: form, century rule, replacement CPR, gender, masking. All numbers
// here are synthetic.
#include "hub/model/cpr.h"

#include <gtest/gtest.h>

using reghub::model::Cpr;
using reghub::model::Date;
using reghub::model::Gender;

TEST(Cpr, ParsesTenDigitsWithRealBirthDate) {
  const auto c = Cpr::parse("0505149996");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->birthDate(), *Date::fromYmd(2014, 5, 5));  // 7th digit 9, YY 14 <= 36 → 2014
  EXPECT_FALSE(c->isReplacement());
}

TEST(Cpr, ToleratesHyphenAfterSixDigits) { EXPECT_TRUE(Cpr::parse("010180-1234")); }

TEST(Cpr, RejectsWrongLengthAndLetters) {
  Cpr::Problem why{};
  EXPECT_FALSE(Cpr::parse("01018012", &why));
  EXPECT_EQ(why, Cpr::Problem::kNotTenDigits);
  EXPECT_FALSE(Cpr::parse("01018O1234", &why));
  EXPECT_EQ(why, Cpr::Problem::kNotTenDigits);
}

TEST(Cpr, RejectsImpossibleDates) {
  Cpr::Problem why{};
  EXPECT_FALSE(Cpr::parse("3002801234", &why));  // 30 February
  EXPECT_EQ(why, Cpr::Problem::kBadDate);
  EXPECT_FALSE(Cpr::parse("2902811234", &why));   // 1981 is no leap year (7th digit 1 → 19xx)
  EXPECT_TRUE(Cpr::parse("2902801234"));          // 1980 is
}

TEST(Cpr, CenturyRuleFromSeventhDigit) {
  EXPECT_EQ(Cpr::parse("0101373000")->birthDate().year(), 1937);  // 0–3 → 19YY
  EXPECT_EQ(Cpr::parse("0101364000")->birthDate().year(), 2036);  // 4, YY <= 36 → 20YY
  EXPECT_EQ(Cpr::parse("0101374000")->birthDate().year(), 1937);  // 4, YY > 36 → 19YY
  EXPECT_EQ(Cpr::parse("0101579000")->birthDate().year(), 1957);  // 9, YY > 36 → 19YY
  EXPECT_EQ(Cpr::parse("0101575000")->birthDate().year(), 2057);  // 5–8, YY <= 57 → 20YY
  EXPECT_EQ(Cpr::parse("0101585000")->birthDate().year(), 1858);  // 5–8, YY > 57 → 18YY
}

TEST(Cpr, NoModulus11Check) {
  // 0101801235 fails modulus 11; numbers issued since 2007 need not pass it.
  EXPECT_TRUE(Cpr::parse("0101801235"));
}

TEST(Cpr, Modulus11IsAWeightedDigitSum) {
  // Born 1858 (7th digit 5–8, YY > 57): no such number was ever issued.
  EXPECT_TRUE(passesModulus11(*Cpr::parse("0101585050")));
  EXPECT_FALSE(passesModulus11(*Cpr::parse("0101585051")));
}

TEST(Cpr, NeverIssuedIsFailingModulus11BeforeOctober2007) {
  EXPECT_TRUE(neverIssued(*Cpr::parse("0101585051")));
  EXPECT_FALSE(neverIssued(*Cpr::parse("0101585050")));  // passes: could have been issued
  EXPECT_TRUE(neverIssued(*Cpr::parse("3009074002")));   // 2007-09-30, fails
  EXPECT_FALSE(neverIssued(*Cpr::parse("0110074002")));  // 2007-10-01: any number may be issued
}

TEST(Cpr, RecognisesReplacementCprDayPlusSixty) {
  const auto c = Cpr::parse("6101801234");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->isReplacement());
  EXPECT_EQ(c->birthDate(), *Date::fromYmd(1980, 1, 1));
  EXPECT_FALSE(Cpr::parse("9201801234"));  // day 32
}

TEST(Cpr, GenderFromLastDigit) {
  EXPECT_EQ(Cpr::parse("0101801231")->gender(), Gender::kMale);
  EXPECT_EQ(Cpr::parse("0101801232")->gender(), Gender::kFemale);
}

TEST(Cpr, AgeAtDate) {
  const auto c = Cpr::parse("1505104000");  // 2010-05-15
  EXPECT_EQ(c->ageAt(*Date::fromYmd(2026, 5, 14)), 15);
  EXPECT_EQ(c->ageAt(*Date::fromYmd(2026, 5, 15)), 16);
}

TEST(Cpr, MaskHidesEverythingButDayAndMonth) {
  EXPECT_EQ(Cpr::parse("0505149996")->masked(), "0505**-****");
  EXPECT_EQ(reghub::model::maskCpr("ab"), "******-****");
  EXPECT_EQ(reghub::model::maskCpr("050514-9996").find("9996"), std::string::npos);
}
