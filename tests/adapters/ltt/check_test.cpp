// `reghub check ltt --config FILE` against the sandbox: each step printed
// with what it learned (never the token), and each usual mistake named with
// the setting to change. In-process through the factory's check hook, plus
// one run of the binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/ltt/ltt_adapter.h"
#include "adapters/ltt/sandbox.h"
#include "hub/engine/adapter_registry.h"
#include "hub/security/dev_pki.h"
#include "tests/adapters/ltt/test_util.h"

namespace reghub::ltt {
namespace {

class LttCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    sandbox_ = std::make_unique<LttSandbox>(engine::SandboxOptions{},
                                            std::make_shared<const Settings>(Settings::fromConfig(config::Config())));
    sandbox_->start();
    config_ = sandbox_->clientConfig();
  }
  // The check's exit (true = every step passed) and what it printed.
  std::pair<bool, std::string> check() const {
    const auto adapter = engine::AdapterRegistry::create("ltt", config::Config::fromMap(config_));
    std::ostringstream out;
    const bool ok = engine::AdapterRegistry::factory("ltt")->check(*adapter, out);
    return {ok, out.str()};
  }
  std::string dir() const { return std::filesystem::path(config_.at("ltt.auth.certFile")).parent_path().string(); }

  std::unique_ptr<LttSandbox> sandbox_;
  std::map<std::string, std::string> config_;
};

TEST_F(LttCheck, AGoodSetupPrintsEachStepAndNeverTheToken) {
  const auto [ok, out] = check();
  EXPECT_TRUE(ok) << out;
  EXPECT_NE(out.find("1. funktionscertifikat / function certificate: serialNumber=CVR:29189846"), std::string::npos)
      << out;
  EXPECT_NE(out.find("kid: "), std::string::npos);
  EXPECT_NE(out.find("2. KOMBIT STS"), std::string::npos);
  EXPECT_NE(out.find("3. token exchange: adgangstoken til / access token for serialNumber=CVR:29189846"),
            std::string::npos);
  EXPECT_NE(out.find("OK: FK Gateway"), std::string::npos);
  // Not streamed on failure: that would print the token.
  EXPECT_TRUE(out.find("eyJ") == std::string::npos) << "a JWT (the token) was printed";
  EXPECT_TRUE(out.find("Assertion") == std::string::npos) << "the SAML assertion was printed";
  EXPECT_TRUE(sandbox_->received().empty()) << "no data sent";
}

TEST_F(LttCheck, TheFunctionCertificateIsReportedForExpiryWarnings) {
  const auto adapter = engine::AdapterRegistry::create("ltt", config::Config::fromMap(config_));
  const auto creds = adapter->credentials();
  ASSERT_EQ(creds.size(), 1u);
  EXPECT_EQ(creds[0].setting, "ltt.auth.certFile");
  EXPECT_NE(creds[0].subject.find("CVR:29189846"), std::string::npos);
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_EQ(engine::credentialState(creds[0], now), engine::CredentialState::kOk);
  EXPECT_TRUE(engine::AdapterRegistry::create("ltt", config::Config())->credentials().empty()) << "no auth, none";
}

TEST_F(LttCheck, NoAccessConfiguredSaysWhatToSet) {
  for (auto it = config_.begin(); it != config_.end();) it = it->first.rfind("ltt.auth.", 0) == 0 ? config_.erase(it) : std::next(it);
  const auto [ok, out] = check();
  EXPECT_FALSE(ok);
  EXPECT_NE(out.find("ltt.auth.realm is empty"), std::string::npos) << out;
  EXPECT_NE(out.find("ltt.auth.preset = test"), std::string::npos) << out;
}

TEST_F(LttCheck, WrongClientIdNamesTheKey) {
  config_["ltt.auth.clientId"] = "someone-else";
  const auto [ok, out] = check();
  EXPECT_FALSE(ok);
  EXPECT_NE(out.find("FEJL / FAILED: 3. token exchange"), std::string::npos) << out;
  EXPECT_NE(out.find("fix ltt.auth.clientId"), std::string::npos) << out;
}

TEST_F(LttCheck, CertificateNotFromTheTrustedCaIsRefusedByTheSts) {
  const security::DevPki other("not KOMBIT's CA");
  const auto cert = other.issueFunctionCertificate("29189846", "unknown");
  cert.writeCertPem(dir() + "/other-cert.pem");
  cert.writeKeyPem(dir() + "/other-key.pem");
  config_["ltt.auth.certFile"] = dir() + "/other-cert.pem";
  config_["ltt.auth.keyFile"] = dir() + "/other-key.pem";
  const auto [ok, out] = check();
  EXPECT_FALSE(ok);
  EXPECT_NE(out.find("FEJL / FAILED: 2. KOMBIT STS"), std::string::npos) << out;
  EXPECT_NE(out.find("Serviceplatformen"), std::string::npos) << out;
}

TEST_F(LttCheck, UnregisteredKidSaysToRegisterTheKey) {
  config_["ltt.auth.kid"] = "not-the-registered-kid";
  const auto [ok, out] = check();
  EXPECT_FALSE(ok);
  EXPECT_NE(out.find("unknown kid"), std::string::npos) << out;
  EXPECT_NE(out.find("trifork/klg-docs"), std::string::npos) << out;
}

TEST_F(LttCheck, WrongStsSigningCertificateIsNamed) {
  config_["ltt.auth.sts.signingCertFile"] = config_.at("ltt.auth.certFile");  // a certificate, but not the STS's
  const auto [ok, out] = check();
  EXPECT_FALSE(ok);
  EXPECT_NE(out.find("ltt.auth.sts.signingCertFile is not KOMBIT STS's signing certificate"), std::string::npos) << out;
}

TEST_F(LttCheck, WrongServiceIsNamedWithTheServiceAgreement) {
  config_["ltt.auth.sts.appliesTo"] = "http://ehealth.sundhed.dk/service/Other/1";
  const auto [ok, out] = check();
  EXPECT_FALSE(ok);
  EXPECT_NE(out.find("Care Delivery Reporter System"), std::string::npos) << out;
}

TEST_F(LttCheck, UntrustedTlsIsNamed) {
  config_["ltt.auth.sts.caFile"] = "";
  const auto [ok, out] = check();
  EXPECT_FALSE(ok);
  EXPECT_NE(out.find("ltt.auth.sts.caFile"), std::string::npos) << out;
}

TEST_F(LttCheck, TheBinaryExitsZeroOnAGoodSetupAndOneOnABadOne) {
  const std::string file = dir() + "/client.properties";
  {
    std::ofstream f(file);
    for (const auto& [k, v] : config_) f << k << " = " << v << "\n";
  }
  auto r = test::runCommand(std::string(REGHUB_BINARY) + " check ltt --config " + file, dir() + "/err.txt");
  EXPECT_EQ(r.exit, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("OK: FK Gateway"), std::string::npos) << r.out;
  {
    std::ofstream f(file, std::ios::app);
    f << "ltt.auth.kid = unregistered\n";
  }
  r = test::runCommand(std::string(REGHUB_BINARY) + " check ltt --config " + file, dir() + "/err.txt");
  EXPECT_EQ(r.exit, 1) << r.out << r.err;
  {
    std::ofstream f(file, std::ios::app);
    f << "ltt.auth.keyFile = /nonexistent.pem\n";
  }
  r = test::runCommand(std::string(REGHUB_BINARY) + " check ltt --config " + file, dir() + "/err.txt");
  EXPECT_EQ(r.exit, 78) << r.out << r.err;
}

}  // namespace
}  // namespace reghub::ltt
