// The IG's Josefine story, sent as a kommune case system would (josefine/),
// translated day by day, reproduces the IG's delivery reports
// (shared/reference/ltt/examples/DeliveryReport-Josefine-*): the same
// resources, codes, statuses and periods — ids, fullUrls and timestamps aside.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "tests/adapters/ltt/test_util.h"
#include "tests/adapters/ltt/translate_helper.h"

namespace reghub::ltt {
namespace {

namespace fs = std::filesystem;
using rapidjson::Value;

std::string storyDir() { return test::sourceDir() + "/tests/adapters/ltt/josefine"; }

std::vector<std::string> filesUpTo(const std::string& day) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(storyDir()))
    if (e.path().extension() == ".json" && e.path().stem().string() <= day) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  out.push_back(storyDir() + "/patient.json");  // after the resources that refer to it
  return out;
}

// Replaces every resource id (and the references to it) by Type#n in entry
// order; drops fullUrl, Bundle.id and timestamp.
void normalise(rapidjson::Document& d) {
  std::map<std::string, std::string> ids;
  std::map<std::string, int> counts;
  for (auto& e : d["entry"].GetArray()) {
    Value& r = e["resource"];
    const std::string type = r["resourceType"].GetString();
    const std::string name = type + "#" + std::to_string(counts[type]++);
    ids[type + "/" + r["id"].GetString()] = name;
    r["id"].SetString(name.c_str(), static_cast<rapidjson::SizeType>(name.size()), d.GetAllocator());
    e.RemoveMember("fullUrl");
  }
  std::function<void(Value&)> walk = [&](Value& v) {
    if (v.IsObject()) {
      for (auto& m : v.GetObject()) {
        if (std::string(m.name.GetString()) == "reference" && m.value.IsString()) {
          auto it = ids.find(m.value.GetString());
          const std::string to = it == ids.end() ? std::string("UNRESOLVED:") + m.value.GetString() : it->second;
          m.value.SetString(to.c_str(), static_cast<rapidjson::SizeType>(to.size()), d.GetAllocator());
        } else {
          walk(m.value);
        }
      }
    } else if (v.IsArray()) {
      for (auto& x : v.GetArray()) walk(x);
    }
  };
  walk(d["entry"]);
  d.RemoveMember("id");
  d.RemoveMember("timestamp");
}

struct Step {
  std::string day;
  std::string example;
};
const std::vector<Step> kSteps = {
    {"2025-05-14", "DeliveryReport-Josefine-1.json"},     {"2025-06-02", "DeliveryReport-Josefine-2.json"},
    {"2025-06-23", "DeliveryReport-Josefine-3.json"},     {"2025-07-07", "DeliveryReport-Josefine-4.json"},
    {"2025-08-18", "DeliveryReport-Josefine-5-6-7.json"}, {"2025-11-06", "DeliveryReport-Josefine-8.json"},
    {"2025-11-08", "DeliveryReport-Josefine-9.json"},
};

class JosefineDay : public ::testing::TestWithParam<Step> {};

TEST_P(JosefineDay, DailyDeliveryReproducesTheIgReport) {
  const Step& s = GetParam();
  const auto r = test::translate(filesUpTo(s.day), s.day, s.day, "2025-01-01");
  std::string detail;
  for (const auto& d : r.diagnostics)
    if (d.severity != diag::Severity::kInfo) detail += diag::toTextLine(d) + "\n";
  ASSERT_EQ(r.errors, 0) << detail;
  ASSERT_EQ(r.messages.size(), 1u) << "one report per citizen per day";
  const auto& m = r.messages[0];
  EXPECT_EQ(m.deliveryDay, s.day);
  EXPECT_EQ(m.method, "PUT");
  EXPECT_EQ(m.target, "/fhir/Bundle/" + m.idempotencyKey);
  EXPECT_EQ(m.body.find("Jensen"), std::string::npos) << "names are stripped";
  EXPECT_EQ(m.body.find("Skolevej"), std::string::npos) << "addresses are stripped";
  EXPECT_EQ(m.body.find("urn:kommune"), std::string::npos) << "local codings and identifiers are stripped";
  EXPECT_EQ(m.body.find("fri tekst"), std::string::npos) << "free text is stripped";
  auto ours = test::parseJson(m.body);
  EXPECT_EQ(std::string(ours["id"].GetString()), m.idempotencyKey);
  auto theirs = test::parseJson(test::readFile(test::sharedDir() + "/reference/ltt/examples/" + s.example));
  normalise(ours);
  normalise(theirs);
  EXPECT_TRUE(ours == theirs) << "ours:\n" << test::toJsonText(ours) << "\nIG:\n" << test::toJsonText(theirs);
}

INSTANTIATE_TEST_SUITE_P(Josefine, JosefineDay, ::testing::ValuesIn(kSteps),
                         [](const ::testing::TestParamInfo<Step>& i) {
                           std::string n = "Day_" + i.param.day;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

TEST(JosefineReplay, WholeHistoryGivesOneReportPerDayWithChanges) {
  const auto r = test::translate(filesUpTo("9999"), "2025-12-31", std::nullopt, "2025-01-01");
  ASSERT_EQ(r.errors, 0);
  std::vector<std::string> days;
  for (const auto& m : r.messages) days.push_back(m.deliveryDay);
  std::vector<std::string> want;
  for (const auto& s : kSteps) want.push_back(s.day);
  EXPECT_EQ(days, want);
  // Stable: the same input gives the same ids and bytes.
  const auto again = test::translate(filesUpTo("9999"), "2025-12-31", std::nullopt, "2025-01-01");
  ASSERT_EQ(again.messages.size(), r.messages.size());
  for (size_t i = 0; i < r.messages.size(); ++i) {
    EXPECT_EQ(again.messages[i].idempotencyKey, r.messages[i].idempotencyKey);
    EXPECT_EQ(again.messages[i].body, r.messages[i].body);
  }
  // Distinct content, distinct Bundle ids.
  std::set<std::string> ids;
  for (const auto& m : r.messages) ids.insert(m.idempotencyKey);
  EXPECT_EQ(ids.size(), r.messages.size());
}

TEST(JosefineReplay, SinceLimitsTheOutput) {
  const auto r = test::translate(filesUpTo("9999"), "2025-12-31", std::string("2025-08-01"), "2025-01-01");
  ASSERT_EQ(r.messages.size(), 3u);
  EXPECT_EQ(r.messages[0].deliveryDay, "2025-08-18");
}

TEST(JosefineReplay, DefaultReportingStartReportsNothingFrom2025) {
  // LTT-PER-02: the story is from 2025, before reporting starts on 2026-04-01.
  const auto r = test::translate(filesUpTo("9999"), "2026-06-30");
  EXPECT_EQ(r.errors, 0);
  EXPECT_TRUE(r.messages.empty());
}

}  // namespace
}  // namespace reghub::ltt
