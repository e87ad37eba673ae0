// The SMDB adapter reports its function certificate for the expiry
// warnings (/health, /metrics, reghub status): none without one, the
// configured setting's name and the certificate's end with one.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "hub/config/config.h"
#include "hub/engine/adapter_registry.h"
#include "hub/security/dev_pki.h"

namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("reghub-smdb-cred-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

std::shared_ptr<const reghub::engine::Adapter> adapter(const std::map<std::string, std::string>& settings) {
  return reghub::engine::AdapterRegistry::create("smdb", reghub::config::Config::fromMap(settings));
}

TEST(SmdbCredentials, NoneWithoutAFunctionCertificate) { EXPECT_TRUE(adapter({})->credentials().empty()); }

TEST(SmdbCredentials, TheFunctionCertificateWithItsEnd) {
  TempDir dir;
  reghub::security::DevPki pki;
  reghub::security::CertificateSpec spec;
  spec.serialNumber = "CVR:29189846-FID:reghub-test";
  spec.validFor = std::chrono::hours(24 * 20);
  const auto cert = pki.issue(spec);
  cert.writeCertPem((dir.path / "fc.pem").string());
  cert.writeKeyPem((dir.path / "fc-key.pem").string());
  pki.issueStsCertificate("test STS").writeCertPem((dir.path / "sts.pem").string());
  const auto a = adapter({{"smdb.environment", "preprod"},
                          {"smdb.functionCertificate", (dir.path / "fc.pem").string()},
                          {"smdb.functionKey", (dir.path / "fc-key.pem").string()},
                          {"smdb.stsCertificate", (dir.path / "sts.pem").string()}});
  const auto creds = a->credentials();
  ASSERT_EQ(creds.size(), 1u);
  EXPECT_EQ(creds[0].setting, "smdb.functionCertificate");
  EXPECT_NE(creds[0].subject.find("CVR:29189846"), std::string::npos) << creds[0].subject;
  const auto in20days = std::chrono::duration_cast<std::chrono::milliseconds>(
                            (std::chrono::system_clock::now() + std::chrono::hours(24 * 20)).time_since_epoch())
                            .count();
  EXPECT_NEAR(static_cast<double>(creds[0].notAfterMillis), static_cast<double>(in20days), 3'600'000.0 * 2);
  EXPECT_EQ(reghub::engine::credentialState(creds[0], in20days - 19LL * 86'400'000),
            reghub::engine::CredentialState::kExpiring);
}

}  // namespace
