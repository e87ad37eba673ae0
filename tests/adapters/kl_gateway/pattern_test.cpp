// adapters/kl_gateway/pattern.h: the memoised pattern answers exactly as
// std::regex_match, also on the second (memoised) ask, per pattern.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/kl_gateway/pattern.h"

namespace reghub::kl_gateway {
namespace {

// FHIR R4 date regex, as in profiles/fhir-r4/core.json.
const char* kDate = R"(([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?)";

TEST(Pattern, SameAnswersAsRegexMatchTwice) {
  const Pattern p(kDate);
  const std::regex re(kDate);
  const std::vector<std::string> texts = {"2026-04-01", "2026-13-01", "2026", "0000", "2026-04-01T10:00", "", "2026-04-1",
                                          std::string("2026\0-04", 8)};
  for (int round = 0; round < 2; ++round)
    for (const std::string& t : texts) EXPECT_EQ(p.matches(t), std::regex_match(t, re)) << "'" << t << "' round " << round;
}

TEST(Pattern, EachPatternHasItsOwnAnswers) {
  const Pattern digits("[0-9]+"), letters("[a-z]+");
  EXPECT_TRUE(digits.matches("123"));
  EXPECT_FALSE(letters.matches("123"));
  EXPECT_TRUE(letters.matches("abc"));
  EXPECT_FALSE(digits.matches("abc"));
  const Pattern copy = digits;  // a copy answers like the original
  EXPECT_TRUE(copy.matches("123"));
  EXPECT_FALSE(copy.matches("12a"));
}

TEST(Pattern, FullMatchOnly) {
  const Pattern p("[0-9]{4}");
  EXPECT_TRUE(p.matches("0330"));
  EXPECT_FALSE(p.matches("03301"));
  EXPECT_FALSE(p.matches("x0330"));
}

TEST(Pattern, ManyDistinctValuesStayCorrectPastTheMemoLimit) {
  const Pattern even("[0-9]*[02468]");
  for (int i = 0; i < 70000; ++i) ASSERT_EQ(even.matches(std::to_string(i)), i % 2 == 0) << i;
  for (int i = 0; i < 100; ++i) ASSERT_EQ(even.matches(std::to_string(i)), i % 2 == 0) << i;
}

TEST(Pattern, ThreadsGetTheSameAnswers) {
  const Pattern p(kDate);
  std::vector<int> wrong(4, 0);
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string d = "2026-" + std::string(i % 13 < 10 ? "0" : "") + std::to_string(i % 13) + "-15";
        if (p.matches(d) != (i % 13 >= 1)) ++wrong[static_cast<size_t>(t)];
      }
    });
  for (auto& th : ts) th.join();
  for (int w : wrong) EXPECT_EQ(w, 0);
}

TEST(Pattern, BadPatternThrows) { EXPECT_THROW(Pattern("([0-9]"), std::regex_error); }

}  // namespace
}  // namespace reghub::kl_gateway
