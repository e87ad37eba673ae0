// Typed reads through the declarations: the file wins, then the declared
// environment variable, then the default; a bad value, an unknown key or a
// missing file is one ConfigError naming the key and the file.
#include "hub/config/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace reghub::config {
namespace {

class ConfigFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("reghub-config-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& text) {
    const std::string p = (dir_ / "test.properties").string();
    std::ofstream(p) << text;
    return p;
  }
  std::filesystem::path dir_;
};

const std::vector<Key>& keys() {
  static const std::vector<Key> k = {
      intKey("demo.workers", "w").withDefault("2").range(1),
      enumKey("demo.severity", {"warning", "error"}, "s").withDefault("warning"),
      dateKey("demo.start", "d").fromEnv("REGHUB_TEST_DEMO_START"),
      boolKey("demo.strict", "b").withDefault("false"),
      urlKey("demo.endpoint", {"https"}, "u"),
      listKey("demo.tokens", "t").asSecret(),
      timeOfDayKey("demo.<registry>.dailyAt", "h"),
  };
  return k;
}

TEST_F(ConfigFile, TypedReads_FileThenDefault) {
  const Config c = Config::load(write("demo.workers = 5\ndemo.strict = yes\ndemo.tokens = a, b ,,c\n"));
  EXPECT_EQ(c.getInt(keys()[0]), 5);
  EXPECT_EQ(c.getOptional(keys()[1]), "warning");  // the default
  EXPECT_TRUE(c.getBool(keys()[3]));
  EXPECT_EQ(c.getOptional(keys()[4]), std::nullopt);
  EXPECT_EQ(c.getList(keys()[5]), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Config().getInt(keys()[0]), 2);
}

TEST_F(ConfigFile, TypedRead_BadValueNamesKeyFileAndWhatIsAllowed) {
  const std::string p = write("demo.severity = fatal\ndemo.workers = many\n");
  const Config c = Config::load(p);
  try {
    c.getOptional(keys()[1]);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "demo.severity");
    EXPECT_EQ(e.origin(), p);
    EXPECT_EQ(std::string(e.what()), p + ": demo.severity must be one of warning, error; got 'fatal'");
  }
  EXPECT_THROW(c.getInt(keys()[0]), ConfigError);
}

TEST_F(ConfigFile, Environment_UsedWhenTheFileDoesNotSetTheKey) {
  ::setenv("REGHUB_TEST_DEMO_START", "2025-01-01", 1);
  EXPECT_EQ(Config::load(write("demo.workers = 1\n")).getOptional(keys()[2]), "2025-01-01");
  EXPECT_EQ(Config::load(write("demo.start = 2026-04-01\n")).getOptional(keys()[2]), "2026-04-01");
  ::setenv("REGHUB_TEST_DEMO_START", "1 April", 1);
  try {
    Config().getOptional(keys()[2]);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("environment variable REGHUB_TEST_DEMO_START"), std::string::npos) << e.what();
  }
  ::unsetenv("REGHUB_TEST_DEMO_START");
  EXPECT_EQ(Config().getOptional(keys()[2]), std::nullopt);
}

TEST_F(ConfigFile, SystemEnvReferencesAreExpanded) {
  ::setenv("REGHUB_TEST_DEMO_ENDPOINT", "https://gateway.example", 1);
  const Config c = Config::load(write("demo.endpoint = ${system.env.REGHUB_TEST_DEMO_ENDPOINT}\n"));
  EXPECT_EQ(c.getOptional(keys()[4]), "https://gateway.example");
  EXPECT_NO_THROW(c.checkSection("demo", keys(), ""));
  // Unset, the reference stays as written and is no URL: an error naming the key.
  ::unsetenv("REGHUB_TEST_DEMO_ENDPOINT");
  EXPECT_THROW(c.checkSection("demo", keys(), ""), ConfigError);
}

TEST_F(ConfigFile, OverridesWinOverTheFile) {
  const Config c = Config::load(write("demo.workers = 5\n"), {{"demo.workers", "7"}});
  EXPECT_EQ(c.getInt(keys()[0]), 7);
}

TEST_F(ConfigFile, CheckSection_UnknownKeyNamesItWithTheClosestDeclared) {
  const std::string p = write("demo.wrokers = 3\nother.key = not ours\n");
  try {
    Config::load(p).checkSection("demo", keys(), "see --help");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "demo.wrokers");
    EXPECT_EQ(std::string(e.what()),
              p + ": unknown configuration key 'demo.wrokers' — did you mean 'demo.workers'? (see --help)");
  }
  EXPECT_NO_THROW(Config::load(write("demo.workers = 3\nother.key = not ours\n")).checkSection("demo", keys(), ""));
}

TEST_F(ConfigFile, CheckSection_ChecksEverySetValueAndPatternKeys) {
  EXPECT_NO_THROW(Config::load(write("demo.ltt.dailyAt = 02:00\n")).checkSection("demo", keys(), ""));
  EXPECT_THROW(Config::load(write("demo.ltt.dailyAt = 25:00\n")).checkSection("demo", keys(), ""), ConfigError);
  EXPECT_THROW(Config::load(write("demo.ltt.dailyAtt = 02:00\n")).checkSection("demo", keys(), ""), ConfigError);
  EXPECT_THROW(Config::load(write("demo.endpoint = http://plain\n")).checkSection("demo", keys(), ""), ConfigError);
  // An optional setting left empty means "not set".
  EXPECT_NO_THROW(Config::load(write("demo.endpoint =\n")).checkSection("demo", keys(), ""));
}

TEST_F(ConfigFile, Secret_NotEchoedWhenWrong) {
  const std::vector<Key> secret = {intKey("demo.pin", "p").asSecret()};
  try {
    Config::load(write("demo.pin = s3cr3t\n")).checkSection("demo", secret, "");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cr3t"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("demo.pin"), std::string::npos);
  }
}

TEST_F(ConfigFile, UnknownSection_NamedWithTheClosestKnown) {
  const std::string p = write("smbd.endpoint = https://x\n");
  try {
    rejectUnknownSections(Config::load(p), {"smdb", "ltt", "store"}, "");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "smbd.endpoint");
    EXPECT_NE(std::string(e.what()).find("did you mean 'smdb'"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(rejectUnknownSections(Config::load(write("smdb.endpoint = https://x\n")), {"smdb"}, ""));
}

TEST_F(ConfigFile, MissingFile_IsAConfigErrorNamingIt) {
  const std::string p = (dir_ / "nowhere.properties").string();
  try {
    Config::load(p);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(p), std::string::npos);
  }
  EXPECT_NO_THROW(Config::load(""));
}

}  // namespace
}  // namespace reghub::config
