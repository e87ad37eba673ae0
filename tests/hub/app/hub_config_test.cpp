// The service configuration: every key documented in
// deploy/reghub.properties.example, unknown keys refused, secrets from the
// environment, TLS required off loopback, the daily schedule in Copenhagen time.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include "hub/app/hub_config.h"
#include "hub/engine/adapter_registry.h"
#include "tests/support/store_test_support.h"

namespace reghub::app {
namespace {

const std::string kKey = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
const std::string kExample = std::string(REGHUB_SOURCE_DIR) + "/deploy/reghub.properties.example";

std::string writeProps(const testing::TempDir& dir, const std::string& text) {
  const std::string p = (dir.path() / "test.properties").string();
  std::ofstream(p) << text;
  return p;
}

std::string exampleText() {
  std::ifstream in(kExample);
  EXPECT_TRUE(in) << kExample;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Every declared key: the hub's, the retry policy's and every adapter's.
std::vector<config::Key> allDeclaredKeys() {
  std::vector<config::Key> keys = hubConfigKeys();
  for (const auto& name : engine::AdapterRegistry::registeredNames())
    for (const auto& k : engine::AdapterRegistry::factory(name)->keys()) keys.push_back(k);
  return keys;
}

TEST(HubConfig, Example_DocumentsEveryKeyWithItsDefault) {
  const std::string text = exampleText();
  for (const auto& k : allDeclaredKeys()) {
    const std::regex line("(^|\\n)#? ?" + std::regex_replace(k.name, std::regex("[.<>]"), "\\$&") + " =" +
                          (k.defaultValue.empty() || k.secret ? std::string() : " " + k.defaultValue));
    EXPECT_TRUE(std::regex_search(text, line)) << k.name << " (default '" << k.defaultValue << "') missing from " << kExample;
  }
}

TEST(HubConfig, Example_NamesOnlyDeclaredKeys) {
  // Every "key =" line, set or commented out, is a declared key: a key
  // renamed in the code cannot linger in the example.
  const std::string text = exampleText();
  const std::regex line("(^|\\n)#? ?([a-zA-Z][a-zA-Z0-9_.<>-]*\\.[a-zA-Z0-9_.<>-]+) =");
  const auto keys = allDeclaredKeys();
  int seen = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), line); it != std::sregex_iterator(); ++it, ++seen) {
    const std::string name = (*it)[2];
    EXPECT_NE(config::findKey(keys, name), nullptr) << name << " in " << kExample << " is not declared";
  }
  EXPECT_GE(seen, static_cast<int>(keys.size()));
}

TEST(HubConfig, AdapterReadmes_ListEveryAdapterKey) {
  std::string readmes;
  for (const auto& e : std::filesystem::directory_iterator(std::string(REGHUB_SOURCE_DIR) + "/adapters"))
    if (std::ifstream in(e.path() / "README.md"); in)
      readmes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  for (const auto& name : engine::AdapterRegistry::registeredNames())
    for (const auto& k : engine::AdapterRegistry::factory(name)->keys())
      EXPECT_NE(readmes.find("`" + k.name + "`"), std::string::npos) << k.name << " is not in its adapter's README";
}

TEST(HubConfig, Example_LoadsWithoutUnknownKeys) {
  EXPECT_NO_THROW(loadHubConfig(kExample, {{"store.key", kKey}}));
  EXPECT_NO_THROW(engine::AdapterRegistry::createAll(config::Config::load(kExample)));
}

TEST(HubConfig, UnknownKey_FailsStartUpNamingIt) {
  testing::TempDir dir;
  const auto p = writeProps(dir, "store.key = " + kKey + "\noutbox.wrokers = 3\n");
  try {
    loadHubConfig(p);
    FAIL() << "unknown key accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("outbox.wrokers"), std::string::npos);
  }
}

TEST(HubConfig, AdapterKeys_AreLeftToTheAdapters) {
  testing::TempDir dir;
  const auto p = writeProps(dir, "store.key = " + kKey + "\nsmdb.endpoint = https://x\n");
  const auto c = loadHubConfig(p);
  EXPECT_TRUE(c.source.isSet("smdb.endpoint"));
}

TEST(HubConfig, StoreKey_MissingIsAClearError) {
  ::unsetenv("REGHUB_STORE_KEY");
  try {
    loadHubConfig("");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("REGHUB_STORE_KEY"), std::string::npos);
  }
}

TEST(HubConfig, StoreKey_FromEnvironment) {
  ::setenv("REGHUB_STORE_KEY", kKey.c_str(), 1);
  const auto c = loadHubConfig("");
  ::unsetenv("REGHUB_STORE_KEY");
  EXPECT_EQ(c.keyring->currentKeyId(), "k1");
  EXPECT_EQ(c.storeUrl, "sqlite:reghub.db");
}

TEST(HubConfig, Tls_RequiredOffLoopback) {
  EXPECT_THROW(loadHubConfig("", {{"store.key", kKey}, {"http.host", "0.0.0.0"}}), ConfigError);
  EXPECT_NO_THROW(loadHubConfig("", {{"store.key", kKey}, {"http.host", "0.0.0.0"},
                                     {"http.tls.certificate", "/x.pem"}, {"http.tls.privateKey", "/x-key.pem"}}));
}

TEST(HubConfig, Numbers_BadValueNamesKey) {
  try {
    loadHubConfig("", {{"store.key", kKey}, {"outbox.workers", "many"}});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("outbox.workers"), std::string::npos);
  }
}

TEST(HubConfig, DailyAt_ParsedAndChecked) {
  const auto c = loadHubConfig("", {{"store.key", kKey}, {"delivery.ltt.dailyAt", "02:30"}});
  EXPECT_EQ(c.dailyAtMinutes.at("ltt"), 150);
  EXPECT_EQ(c.notBefore("smdb", 1000), 0);
  EXPECT_THROW(loadHubConfig("", {{"store.key", kKey}, {"delivery.ltt.dailyAt", "25:00"}}), ConfigError);
}

// 2026-11-22T02:00:00Z is 03:00 in Copenhagen (CET, +1).
constexpr int64_t kWinterNow = 1795312800000;
// 2026-07-01T00:30:00Z is 02:30 in Copenhagen (CEST, +2).
constexpr int64_t kSummerNow = 1782865800000;

TEST(DailySchedule, NextCopenhagenTime_WinterAndSummer) {
  // 02:00 local has passed today (03:00) → tomorrow 02:00 CET = 01:00Z.
  EXPECT_EQ(nextCopenhagenTime(kWinterNow, 120), kWinterNow + 23 * 3600 * 1000);
  // 04:00 local is still ahead today → 03:00Z.
  EXPECT_EQ(nextCopenhagenTime(kWinterNow, 240), kWinterNow + 3600 * 1000);
  // Summer: 02:00 local passed (02:30) → tomorrow 02:00 CEST = 00:00Z.
  EXPECT_EQ(nextCopenhagenTime(kSummerNow, 120), kSummerNow + (23 * 60 + 30) * 60 * 1000);
}

}  // namespace
}  // namespace reghub::app
