// hub/log: the line formats, the level threshold, and the masking that keeps
// a CPR number out of a log line even when one reaches it.
#include <gtest/gtest.h>

#include <sstream>

#include "hub/log/log.h"

namespace reghub::log {
namespace {

TEST(Log, JsonLineHasTimeLevelMessageAndTypedFields) {
  const std::string line =
      formatLine(Format::kJson, 1764597792345, Level::kWarning, "request \"x\"", {{"status", 403}, {"client", "a b"}});
  EXPECT_EQ(line, R"({"ts":"2025-12-01T14:03:12.345Z","level":"warning","msg":"request \"x\"","status":403,"client":"a b"})");
}

TEST(Log, TextLineForAPerson) {
  const std::string line = formatLine(Format::kText, 0, Level::kInfo, "listening", {{"url", "https://h:1"}, {"n", 2}, {"why", "two words"}});
  EXPECT_EQ(line, R"(1970-01-01T00:00:00.000Z info listening url=https://h:1 n=2 why="two words")");
}

TEST(Log, ACprInTheMessageOrAFieldIsMasked) {
  const std::string line = formatLine(Format::kJson, 0, Level::kError, "dead: CPR 0101804323 refused",
                                      {{"detail", "PersonCivilRegistrationIdentifier 010180-4323"}});
  EXPECT_EQ(line.find("0101804323"), std::string::npos) << line;
  EXPECT_EQ(line.find("010180-4323"), std::string::npos) << line;
  EXPECT_NE(line.find("0101**-****"), std::string::npos) << line;
  // Numbers of fewer digits are what they are.
  EXPECT_NE(formatLine(Format::kJson, 0, Level::kInfo, "took", {{"ms", "123456789"}}).find("123456789"), std::string::npos);
}

TEST(Log, LinesBelowTheLevelAreNotWrittenAndOffWritesNothing) {
  std::ostringstream out;
  configure(Format::kJson, Level::kWarning, out);
  info("not this");
  error("this", {{"k", "v"}});
  EXPECT_FALSE(enabled(Level::kInfo));
  EXPECT_TRUE(enabled(Level::kError));
  off();
  error("nor this");
  const std::string text = out.str();
  EXPECT_EQ(text.find("not this"), std::string::npos);
  EXPECT_EQ(text.find("nor this"), std::string::npos);
  EXPECT_NE(text.find(R"("level":"error","msg":"this","k":"v"})"), std::string::npos) << text;
}

}  // namespace
}  // namespace reghub::log
