// MatchMemo (hub/fhirpath/match_memo.h): a remembered answer is the one
// std::regex_search gives, for a match and a non-match; the bound empties
// the memo; a bad pattern throws and is not remembered.
#include "hub/fhirpath/match_memo.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace reghub::fhirpath {
namespace {

bool computed(const std::string& pattern, const std::string& input) {
  return std::regex_search(input, std::regex(pattern, std::regex::ECMAScript));
}

TEST(MatchMemo, ARememberedMatchIsTheComputedAnswer) {
  MatchMemo memo;
  const std::string pattern = "^[0-9]{6}-?[0-9]{4}$", input = "0101901234";
  ASSERT_TRUE(computed(pattern, input));
  EXPECT_TRUE(memo.matches(pattern, input));
  EXPECT_EQ(memo.hits(), 0u);
  EXPECT_TRUE(memo.matches(pattern, input));
  EXPECT_EQ(memo.hits(), 1u);  // the second answer came from the memo
}

TEST(MatchMemo, ARememberedNonMatchIsTheComputedAnswer) {
  MatchMemo memo;
  const std::string pattern = "^[a-z]+$", input = "Active";
  ASSERT_FALSE(computed(pattern, input));
  EXPECT_FALSE(memo.matches(pattern, input));
  EXPECT_FALSE(memo.matches(pattern, input));
  EXPECT_EQ(memo.hits(), 1u);
}

TEST(MatchMemo, PatternAndInputAreKeptApart) {
  // "ab"+"c" and "a"+"bc" share a concatenation, not an answer.
  MatchMemo memo;
  EXPECT_TRUE(memo.matches("ab", "c" "ab"));
  EXPECT_FALSE(memo.matches("a", "bcb"));
  EXPECT_EQ(memo.matches("a", "bcb"), computed("a", "bcb"));
  EXPECT_EQ(memo.hits(), 1u);
}

TEST(MatchMemo, TheBoundEmptiesTheMemo) {
  MatchMemo memo(2);
  memo.matches("x", "1");
  memo.matches("x", "2");
  EXPECT_EQ(memo.answers(), 2u);
  EXPECT_FALSE(memo.matches("x", "3"));  // full: emptied, then the new answer kept
  EXPECT_EQ(memo.answers(), 1u);
  EXPECT_FALSE(memo.matches("x", "1"));  // computed again, same answer
  EXPECT_EQ(memo.hits(), 0u);
}

TEST(MatchMemo, ALongInputIsMatchedNotRemembered) {
  MatchMemo memo;
  const std::string input(MatchMemo::kMaxInput + 1, 'a');
  EXPECT_TRUE(memo.matches("^a+$", input));
  EXPECT_TRUE(memo.matches("^a+$", input));
  EXPECT_EQ(memo.answers(), 0u);
  EXPECT_EQ(memo.hits(), 0u);
}

TEST(MatchMemo, ABadPatternThrowsEveryTime) {
  MatchMemo memo;
  EXPECT_THROW(memo.matches("(", "x"), std::regex_error);
  EXPECT_THROW(memo.matches("(", "x"), std::regex_error);
  EXPECT_EQ(memo.answers(), 0u);
}

}  // namespace
}  // namespace reghub::fhirpath
