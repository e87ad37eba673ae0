// The § 140 sandbox over real HTTPS on loopback, with FK Gateway's access
// (the KOMBIT STS stand-in and token endpoint, as LTT's sandbox): the hub's
// deliverer, configured from the sandbox's client config, PUTs the Ruddi
// day-1 report (201, then 200 for the same id again); the sandbox enforces
// the same REH rules as the hub (a report without timestamp is 422 naming
// REH-DR-03, one without the report profile 422 naming REH-DR-01); a PUT
// without a token is 401 and stores nothing.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "adapters/kl_gateway/report_envelope.h"
#include "adapters/rehab/rehab_adapter.h"
#include "adapters/rehab/sandbox.h"
#include "hub/net/https_client.h"
#include "tests/adapters/rehab/rehab_test_util.h"

namespace reghub::rehab {
namespace {

class RehabSandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sandbox_ = std::make_unique<RehabSandbox>(engine::SandboxOptions{}, settings());
    sandbox_->start();
    for (const auto& [k, v] : sandbox_->clientConfig()) config_[k] = v;
  }
  void TearDown() override { sandbox_->stop(); }
  std::shared_ptr<const Settings> settings() const {
    return std::make_shared<const Settings>(Settings::fromConfig(config::Config::fromMap(config_)));
  }
  engine::OutboundMessage dayOne() const {
    const auto r = test::translate({test::sourceDir() + "/tests/adapters/rehab/ruddi/2022-05-23.json"}, "2022-05-23");
    EXPECT_EQ(r.messages.size(), 1u) << test::show(r.diagnostics);
    return r.messages.at(0);
  }
  // The report with `edit` applied to its JSON, under a new id.
  static engine::OutboundMessage edited(engine::OutboundMessage m, const std::function<void(rapidjson::Document&)>& edit) {
    rapidjson::Document d;
    d.Parse(m.body.data(), m.body.size());
    edit(d);
    m.idempotencyKey = "0f6b3c1e-2d4a-4b8e-9c7f-000000000001";
    d["id"].SetString(m.idempotencyKey.c_str(), d.GetAllocator());
    m.target = "/fhir/Bundle/" + m.idempotencyKey;
    m.body = kl_gateway::toJson(d);
    return m;
  }
  std::map<std::string, std::string> config_;
  std::unique_ptr<RehabSandbox> sandbox_;
};

TEST_F(RehabSandboxTest, DeliversTheDayOneReportWithAToken) {
  const auto deliverer = RehabAdapter(settings()).makeDeliverer();
  ASSERT_NE(deliverer, nullptr);
  const engine::OutboundMessage m = dayOne();
  const auto first = deliverer->deliver(m);
  EXPECT_EQ(first.outcome, engine::DeliveryResult::Outcome::kAccepted) << first.detail;
  EXPECT_EQ(first.httpStatus, 201);
  const auto again = deliverer->deliver(m);
  EXPECT_EQ(again.httpStatus, 200);
  ASSERT_EQ(sandbox_->received().size(), 1u);
  EXPECT_EQ(sandbox_->received()[0].id, m.idempotencyKey);
  EXPECT_EQ(sandbox_->unauthorizedCount(), 0);
}

TEST_F(RehabSandboxTest, EnforcesTheSameRulesAsTheHub) {
  const auto deliverer = RehabAdapter(settings()).makeDeliverer();
  const auto noTimestamp = deliverer->deliver(edited(dayOne(), [](rapidjson::Document& d) { d.RemoveMember("timestamp"); }));
  EXPECT_EQ(noTimestamp.outcome, engine::DeliveryResult::Outcome::kRejected);
  EXPECT_EQ(noTimestamp.httpStatus, 422);
  EXPECT_NE(noTimestamp.detail.find("REH-DR-03"), std::string::npos) << noTimestamp.detail;
  const auto noProfile = deliverer->deliver(edited(dayOne(), [](rapidjson::Document& d) { d.RemoveMember("meta"); }));
  EXPECT_EQ(noProfile.httpStatus, 422);
  EXPECT_NE(noProfile.detail.find("REH-DR-01"), std::string::npos) << noProfile.detail;
  EXPECT_TRUE(sandbox_->received().empty());
  EXPECT_EQ(sandbox_->rejectedCount(), 2);
}

TEST_F(RehabSandboxTest, APutWithoutATokenIs401AndStoresNothing) {
  auto plain = config_;
  for (auto it = plain.begin(); it != plain.end();) it = it->first.rfind("rehab.auth.", 0) == 0 ? plain.erase(it) : std::next(it);
  const auto deliverer =
      RehabAdapter(std::make_shared<const Settings>(Settings::fromConfig(config::Config::fromMap(plain)))).makeDeliverer();
  const auto r = deliverer->deliver(dayOne());
  EXPECT_EQ(r.outcome, engine::DeliveryResult::Outcome::kRejected);
  EXPECT_EQ(r.httpStatus, 401);
  EXPECT_TRUE(sandbox_->received().empty());
  EXPECT_EQ(sandbox_->unauthorizedCount(), 1);
}

}  // namespace
}  // namespace reghub::rehab
