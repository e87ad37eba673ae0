// The certificate expiry report (hub/api/credential_report.h): days left,
// the 30-day warning, expired, and the text `reghub status` prints.
#include "hub/api/credential_report.h"

#include <gtest/gtest.h>

namespace reghub::api {
namespace {

using engine::CredentialInfo;
using engine::CredentialState;

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kNow = 1'780'000'000'000;  // 2026-05-28

CredentialInfo cert(int64_t notAfter) { return {"smdb.functionCertificate", "CN=Kommune,O=Test", notAfter}; }

TEST(CredentialState, OkUntilThirtyDaysBefore) {
  EXPECT_EQ(engine::credentialState(cert(kNow + 30 * kDay), kNow), CredentialState::kOk);
  EXPECT_EQ(engine::credentialState(cert(kNow + 30 * kDay - 1), kNow), CredentialState::kExpiring);
}

TEST(CredentialState, ExpiredAtNotAfter) {
  EXPECT_EQ(engine::credentialState(cert(kNow + 1), kNow), CredentialState::kExpiring);
  EXPECT_EQ(engine::credentialState(cert(kNow), kNow), CredentialState::kExpired);
}

TEST(CredentialState, DaysLeftRoundTowardsTheEnd) {
  EXPECT_EQ(engine::credentialDaysLeft(cert(kNow + 2 * kDay + 5), kNow), 2);
  EXPECT_EQ(engine::credentialDaysLeft(cert(kNow - 1), kNow), -1);
  EXPECT_EQ(engine::credentialDaysLeft(cert(kNow - kDay), kNow), -1);
  EXPECT_EQ(engine::credentialDaysLeft(cert(kNow - kDay - 1), kNow), -2);
}

TEST(CredentialReport, WorstStateOfAll) {
  EXPECT_EQ(worstCredentialState({}, kNow), CredentialState::kOk);
  EXPECT_EQ(worstCredentialState({cert(kNow + 90 * kDay), cert(kNow + 3 * kDay)}, kNow), CredentialState::kExpiring);
  EXPECT_EQ(worstCredentialState({cert(kNow - kDay), cert(kNow + 3 * kDay)}, kNow), CredentialState::kExpired);
}

TEST(CredentialReport, TextWarnsOnlyWhenActionIsNeeded) {
  const std::string ok = credentialsText({cert(kNow + 90 * kDay)}, kNow);
  EXPECT_EQ(ok.find("WARNING"), std::string::npos) << ok;
  EXPECT_NE(ok.find("smdb.functionCertificate valid until"), std::string::npos) << ok;
  const std::string soon = credentialsText({cert(kNow + 10 * kDay)}, kNow);
  EXPECT_NE(soon.find("WARNING certificate smdb.functionCertificate expires"), std::string::npos) << soon;
  EXPECT_NE(soon.find("(10 days)"), std::string::npos) << soon;
  const std::string gone = credentialsText({cert(kNow - kDay)}, kNow);
  EXPECT_NE(gone.find("ERROR certificate smdb.functionCertificate expired"), std::string::npos) << gone;
  EXPECT_EQ(credentialsText({}, kNow), "");
}

TEST(CredentialReport, JsonAndMetricsNameTheSetting) {
  const std::string json = credentialsJson({cert(kNow + 10 * kDay)}, kNow);
  EXPECT_NE(json.find(R"("setting":"smdb.functionCertificate")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("daysLeft":10,"state":"expiring")"), std::string::npos) << json;
  const std::string m = credentialMetrics({cert(kNow + 10 * kDay)}, kNow);
  EXPECT_NE(m.find("reghub_certificate_days_left{setting=\"smdb.functionCertificate\"} 10"), std::string::npos) << m;
  EXPECT_EQ(credentialMetrics({}, kNow), "");
}

}  // namespace
}  // namespace reghub::api
