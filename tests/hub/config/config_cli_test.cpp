// The `reghub` binary given a configuration file: every command judges the
// file the same way — a misspelt key or a bad value, in the hub's sections
// or a registry's, is exit 78 naming the key, the file and what is allowed;
// `config check` says so without starting anything; --help lists every
// registry's keys; a registry without an endpoint still validates.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "hub/security/dev_pki.h"

namespace {

namespace fs = std::filesystem;

const std::string kBin = REGHUB_BINARY;
const std::string kKey = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
const std::string kSource = REGHUB_SOURCE_DIR;
const std::string kLttInput = kSource + "/tests/adapters/ltt/josefine";

struct Result {
  int code = -1;
  std::string out;  // stdout + stderr
};

Result run(const std::string& args, const std::string& env = "") {
  Result r;
  FILE* p = ::popen((env + " " + kBin + " " + args + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = ::pclose(p);
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  // translate prints whole messages: mask anything CPR-shaped so a failing
  // assertion that shows the output never shows a full CPR number.
  r.out = std::regex_replace(r.out, std::regex("\\b([0-9]{4})[0-9]{2}-?[0-9]{4}\\b"), "$1**-****");
  return r;
}

class ConfigCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("reghub-config-cli-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  // A service configuration with a store in the temp dir plus `extra` lines.
  std::string file(const std::string& extra, const std::string& name = "reghub.properties") {
    const std::string p = (dir_ / name).string();
    std::ofstream(p) << "store.url = sqlite:" << (dir_ / "s.db").string() << "\nstore.key = " << kKey
                     << "\nhttp.port = 0\n"
                     << extra;
    return p;
  }
  std::string input() const { return kSource + "/tests/hub/ingest/fixtures"; }
  fs::path dir_;
};

// Every command that takes --config, with the rest of its arguments.
std::vector<std::string> commandsWith(const std::string& cfg, const std::string& input) {
  return {"run --config " + cfg,
          "ingest --config " + cfg + " " + input,
          "validate --config " + cfg + " " + input,
          "translate --registry smdb --config " + cfg + " " + input,
          "status --config " + cfg,
          "replay --state dead --config " + cfg,
          "config check --config " + cfg};
}

TEST_F(ConfigCli, MisspeltAdapterKey_EveryCommandExits78NamingKeyAndFile) {
  const std::string cfg = file("smdb.hiden_field_severity = warning\n");
  for (const auto& cmd : commandsWith(cfg, input())) {
    const Result r = run(cmd);
    EXPECT_EQ(r.code, 78) << cmd << "\n" << r.out;
    EXPECT_NE(r.out.find("unknown configuration key 'smdb.hiden_field_severity'"), std::string::npos) << cmd << r.out;
    EXPECT_NE(r.out.find(cfg), std::string::npos) << cmd << r.out;
    EXPECT_NE(r.out.find("did you mean 'smdb.hiddenFieldSeverity'"), std::string::npos) << cmd << r.out;
  }
}

TEST_F(ConfigCli, CorrectlySpeltKey_NoCommandStopsOnConfiguration) {
  const std::string cfg = file("smdb.hiddenFieldSeverity = warning\n");
  for (const auto& cmd : commandsWith(cfg, input())) {
    if (cmd.rfind("run ", 0) == 0) continue;  // a service that starts is ServiceCommands' test
    const Result r = run(cmd);
    EXPECT_NE(r.code, 78) << cmd << "\n" << r.out;
    EXPECT_EQ(r.out.find("configuration error"), std::string::npos) << cmd << r.out;
  }
}

TEST_F(ConfigCli, MisspeltHubKey_Exits78AsWell) {
  const Result r = run("validate --config " + file("outbox.wrokers = 3\n") + " " + input());
  EXPECT_EQ(r.code, 78) << r.out;
  EXPECT_NE(r.out.find("did you mean 'outbox.workers'"), std::string::npos) << r.out;
}

TEST_F(ConfigCli, MisspeltRegistrySection_Exits78WithTheClosestRegistry) {
  const Result r = run("config check --config " + file("smbd.endpoint = https://x\n"));
  EXPECT_EQ(r.code, 78) << r.out;
  EXPECT_NE(r.out.find("'smbd.endpoint'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("did you mean 'smdb'"), std::string::npos) << r.out;
}

TEST_F(ConfigCli, EnumOutsideAllowedValues_Exits78NamingTheAllowedValues) {
  const Result bad = run("validate --config " + file("smdb.kvalhepMissingSeverity = fatal\n") + " " + input());
  EXPECT_EQ(bad.code, 78) << bad.out;
  EXPECT_NE(bad.out.find("smdb.kvalhepMissingSeverity must be one of warning, error; got 'fatal'"), std::string::npos)
      << bad.out;
  const Result good = run("config check --config " + file("smdb.kvalhepMissingSeverity = error\n"));
  EXPECT_EQ(good.code, 0) << good.out;
}

TEST_F(ConfigCli, NotANumber_Exits78NamingTheKeyAndTheForm) {
  const Result r = run("ingest --config " + file("ltt.timeoutMs = soon\n") + " " + input());
  EXPECT_EQ(r.code, 78) << r.out;
  EXPECT_NE(r.out.find("ltt.timeoutMs must be milliseconds (a whole number ≥ 1), got 'soon'"), std::string::npos)
      << r.out;
}

TEST_F(ConfigCli, BadEnvironmentFallback_Exits78NamingKeyAndVariable) {
  const Result r = run("validate --registry ltt " + kLttInput, "REGHUB_LTT_REPORTING_START=April");
  EXPECT_EQ(r.code, 78) << r.out;
  EXPECT_NE(r.out.find("ltt.reportingStart"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("REGHUB_LTT_REPORTING_START"), std::string::npos) << r.out;
}

TEST_F(ConfigCli, ConfigCheck_GoodFileIsOkWithASummary) {
  const Result r = run("config check --config " + file("ltt.endpoint = https://gateway.example\n"));
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("ok: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("registry ltt: delivers to https://gateway.example"), std::string::npos) << r.out;
  // No function certificate: SMDB cannot authenticate (OIO IDWS), so it is validate-only.
  EXPECT_NE(r.out.find("registry smdb: validated only (not configured for delivery)"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir_ / "s.db")) << "config check must not open the store";
}

TEST_F(ConfigCli, ConfigCheck_SmdbDeliversWithItsCredentialsAndReadsThem) {
  const reghub::security::DevPki pki;
  const auto fc = pki.issueFunctionCertificate("12345678", "config-check");
  fc.writeCertPem((dir_ / "fc.pem").string());
  fc.writeKeyPem((dir_ / "fc-key.pem").string());
  pki.issueStsCertificate("sts").writeCertPem((dir_ / "sts.pem").string());
  const std::string keys = "smdb.environment = preprod\nsmdb.functionCertificate = " + (dir_ / "fc.pem").string() +
                           "\nsmdb.stsCertificate = " + (dir_ / "sts.pem").string() + "\nsmdb.functionKey = ";
  const Result ok = run("config check --config " + file(keys + (dir_ / "fc-key.pem").string() + "\n", "ok.properties"));
  EXPECT_EQ(ok.code, 0) << ok.out;
  EXPECT_NE(ok.out.find("registry smdb: delivers to https://smdbpreprodws.dst.dk"), std::string::npos) << ok.out;
  // A key file that is not there: 78 at check time, naming the key — not at the first delivery.
  const Result missing = run("config check --config " + file(keys + (dir_ / "nowhere.pem").string() + "\n", "bad.properties"));
  EXPECT_EQ(missing.code, 78) << missing.out;
  EXPECT_NE(missing.out.find("smdb.functionCertificate"), std::string::npos) << missing.out;
}

TEST_F(ConfigCli, ConfigCheck_SmdbCertificateWithoutEnvironmentIs78NoDefaultDestination) {
  const reghub::security::DevPki pki;
  const auto fc = pki.issueFunctionCertificate("12345678", "config-check");
  fc.writeCertPem((dir_ / "fc.pem").string());
  fc.writeKeyPem((dir_ / "fc-key.pem").string());
  pki.issueStsCertificate("sts").writeCertPem((dir_ / "sts.pem").string());
  const std::string keys = "smdb.functionCertificate = " + (dir_ / "fc.pem").string() + "\nsmdb.stsCertificate = " +
                           (dir_ / "sts.pem").string() + "\nsmdb.functionKey = " + (dir_ / "fc-key.pem").string() + "\n";
  const Result r = run("config check --config " + file(keys, "noenv.properties"));
  EXPECT_EQ(r.code, 78) << r.out;
  EXPECT_NE(r.out.find("smdb.environment: required with a function certificate"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("smdbpreprodws"), std::string::npos) << r.out;
}

TEST_F(ConfigCli, ConfigCheck_BadFileIs78AndSecretsAreNotEchoed) {
  const Result r = run("config check --config " + file("store.keyId = k2\n", "a.properties") + " ", "");
  EXPECT_EQ(r.code, 0) << r.out;
  const std::string p = (dir_ / "bad.properties").string();
  std::ofstream(p) << "store.key = not-a-real-key-s3cr3t\n";
  const Result bad = run("config check --config " + p);
  EXPECT_EQ(bad.code, 78) << bad.out;
  EXPECT_NE(bad.out.find("store.key"), std::string::npos) << bad.out;
  EXPECT_EQ(bad.out.find("s3cr3t"), std::string::npos) << bad.out;
}

TEST_F(ConfigCli, ConfigCheck_SummaryHidesAStorePassword) {
  const std::string p = (dir_ / "pg.properties").string();
  std::ofstream(p) << "store.url = postgresql://reghub:pa55word@db.example:5432/reghub\nstore.key = " << kKey << "\n";
  const Result r = run("config check --config " + p);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("postgresql://reghub:***@db.example:5432/reghub"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("pa55word"), std::string::npos) << r.out;
}

TEST_F(ConfigCli, ConfigCheck_ATokenFileOthersMayReadIs78) {
  const std::string token = (dir_ / "token").string();
  std::ofstream(token) << "tok-0123456789abcdef\n";
  fs::permissions(token, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  const std::string cfg =
      file("http.clients = intake1\nhttp.client.intake1.tokenFile = " + token + "\nhttp.client.intake1.roles = intake\n");
  Result r = run("config check --config " + cfg);
  EXPECT_EQ(r.code, 78) << r.out;
  EXPECT_NE(r.out.find("http.client.intake1.tokenFile"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("wider than 0600"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("tok-0123456789abcdef"), std::string::npos) << r.out;
  fs::permissions(token, fs::perms::owner_read | fs::perms::owner_write);
  r = run("config check --config " + cfg);
  EXPECT_EQ(r.code, 0) << r.out;
}

TEST_F(ConfigCli, Run_TheRemovedApiTokensAre78SayingWhatToWrite) {
  const Result r = run("run --config " + file(""), "REGHUB_API_TOKENS=abcdefabcdefabcdef");
  EXPECT_EQ(r.code, 78) << r.out;
  EXPECT_NE(r.out.find("http.clients"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("abcdefabcdefabcdef"), std::string::npos) << r.out;
}

TEST_F(ConfigCli, ConfigCheck_TheExampleConfigPasses) {
  const Result r =
      run("config check --config " + kSource + "/deploy/reghub.properties.example", "REGHUB_STORE_KEY=" + kKey);
  EXPECT_EQ(r.code, 0) << r.out;
}

TEST_F(ConfigCli, ConfigCheck_NeedsTheFile) {
  EXPECT_EQ(run("config check").code, 2);
  EXPECT_EQ(run("config --config x").code, 2);
  EXPECT_EQ(run("config check --config " + (dir_ / "nowhere.properties").string()).code, 78);
}

TEST_F(ConfigCli, Help_ListsEveryRegistrysKeysWithDefaultsAndDescriptions) {
  for (const std::string cmd : {"run --help", "ingest --help", "validate --help"}) {
    const Result r = run(cmd);
    EXPECT_EQ(r.code, 0) << cmd;
    EXPECT_NE(r.out.find("smdb.hiddenFieldSeverity = warning   (warning|error)"), std::string::npos) << cmd << r.out;
    EXPECT_NE(r.out.find("SMDB-GEN-13"), std::string::npos) << cmd;  // the description
    EXPECT_NE(r.out.find("ltt.endpoint"), std::string::npos) << cmd;
    EXPECT_NE(r.out.find("[env REGHUB_LTT_REPORTING_START]"), std::string::npos) << cmd;
  }
  const Result run_ = run("run --help");
  EXPECT_NE(run_.out.find("store.url = sqlite:reghub.db"), std::string::npos);
  EXPECT_NE(run_.out.find("outbox.retry.maxAttempts = 10"), std::string::npos);
}

TEST_F(ConfigCli, UnconfiguredRegistry_StillValidatesAndTranslates) {
  // No ltt.endpoint: LTT is validate-only, not a configuration error; its key from the file counts.
  const std::string cfg = file("ltt.reportingStart = 2025-01-01\n");
  const Result v = run("validate --registry ltt --as-of 2025-12-31 --config " + cfg + " " + kLttInput);
  EXPECT_TRUE(v.code == 0 || v.code == 1) << v.out;
  EXPECT_EQ(v.out.find("configuration error"), std::string::npos) << v.out;
  const Result t = run("translate --registry ltt --as-of 2025-12-31 --config " + cfg + " " + kLttInput);
  EXPECT_EQ(t.code, 0) << t.out;
  EXPECT_NE(t.out.find("### ltt DeliveryReport"), std::string::npos) << t.out;
  // Without the file's reportingStart (the IG's 2026 start), the 2025 story reports nothing.
  const Result none = run("translate --registry ltt --as-of 2025-12-31 " + kLttInput);
  EXPECT_EQ(none.out.find("### ltt DeliveryReport"), std::string::npos) << none.out;
}

TEST_F(ConfigCli, Run_MisconfiguredRegistryNeverStarts) {
  const Result r = run("run --config " + file("ltt.endpoint = http://not-tls.example\n"));
  EXPECT_EQ(r.code, 78) << r.out;
  EXPECT_NE(r.out.find("ltt.endpoint must be a URL starting with https://"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("listening on"), std::string::npos) << r.out;
}

}  // namespace
