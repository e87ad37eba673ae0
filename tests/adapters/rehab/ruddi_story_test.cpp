// The IG's Ruddi story as a kommune case system sends it day by day
// (ruddi/: made by make_days.py from the IG's DeliveryReport-Ruddi-1/2/6/7/8;
// each day file holds only that day's news, without profiles, with the case
// system's extras). Over the files up to day D, `translate --as-of D --since D`
// gives one report for D that validates clean against the IG, holds exactly
// the resources of the IG's own report of that day (the news plus everything
// it refers to, `aggregation = bundled`), and nothing the IG does not permit.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "adapters/kl_gateway/json_file.h"
#include "adapters/rehab/rehab_data.h"
#include "adapters/rehab/report_check.h"
#include "tests/adapters/rehab/rehab_test_util.h"

namespace reghub::rehab {
namespace {

namespace fs = std::filesystem;

fs::path ruddiDir() { return fs::path(test::sourceDir()) / "tests/adapters/rehab/ruddi"; }

std::vector<std::string> days() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(ruddiDir()))
    if (e.path().extension() == ".json" && e.path().filename().string().rfind("20", 0) == 0)
      out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> filesUpTo(const std::string& day) {
  std::vector<std::string> out;
  for (const std::string& d : days())
    if (d <= day) out.push_back((ruddiDir() / (d + ".json")).string());
  return out;
}

std::set<std::string> entryIds(const rapidjson::Value& bundle) {
  std::set<std::string> out;
  for (const auto& e : bundle["entry"].GetArray())
    out.insert(std::string(e["resource"]["resourceType"].GetString()) + "/" + e["resource"]["id"].GetString());
  return out;
}

TEST(RehabRuddiStory, EachDayFileGivesThatDaysReportAsTheIgHasIt) {
  const rapidjson::Document expected = kl_gateway::readJsonFile((ruddiDir() / "expected.json").string());
  ASSERT_EQ(days().size(), 5u);
  for (const std::string& day : days()) {
    SCOPED_TRACE(day);
    const auto r = test::translate(filesUpTo(day), day, day);
    EXPECT_EQ(r.errors, 0) << test::show(r.diagnostics);
    EXPECT_EQ(r.warnings, 0) << test::show(r.diagnostics);
    ASSERT_EQ(r.messages.size(), 1u) << test::show(r.diagnostics);
    const engine::OutboundMessage& m = r.messages.front();
    EXPECT_EQ(m.registry, "rehab");
    EXPECT_EQ(m.deliveryDay, day);
    EXPECT_EQ(m.target, "/fhir/Bundle/" + m.idempotencyKey);
    rapidjson::Document report;
    report.Parse(m.body.data(), m.body.size());
    ASSERT_FALSE(report.HasParseError());
    EXPECT_EQ(std::string(report["id"].GetString()), m.idempotencyKey);
    std::set<std::string> want;
    for (const auto& id : expected[day.c_str()].GetArray()) want.insert(id.GetString());
    EXPECT_EQ(entryIds(report), want);
    // The IG's own check, as the gateway would run it.
    diag::Collector check;
    checkReport(report, RehabData::get(), diag::Reporter(check, "rehab"));
    EXPECT_EQ(check.count(diag::Severity::kError) + check.count(diag::Severity::kWarning), 0u)
        << test::show(check.take());
    // Nothing the IG does not permit leaves the hub (Organization.name it permits); no CPR outside its identifier.
    for (const char* extra : {"Berggren", "Testvej", "GGOP-2022-118", "urn:kommune", "Fysioterapeut", "78450000",
                              "Genoptræning efter hoftebrud", "formiddagen", "B-4711"})
      EXPECT_EQ(m.body.find(extra), std::string::npos) << extra;
    for (const auto& d : r.diagnostics) EXPECT_EQ(d.message.find("1502779995"), std::string::npos) << d.message;
  }
}

TEST(RehabRuddiStory, TheExtrasAreInfoLines) {
  const auto r = test::translate(filesUpTo("2022-05-23"), "2022-05-23", "2022-05-23");
  EXPECT_TRUE(test::hasRule(r.diagnostics, "HUB-INGEST-11", diag::Severity::kInfo)) << test::show(r.diagnostics);  // Observation
  EXPECT_TRUE(test::hasRule(r.diagnostics, "REH-CIT-09", diag::Severity::kInfo)) << test::show(r.diagnostics);  // name, address
  EXPECT_TRUE(test::hasRule(r.diagnostics, "REH-SR-14", diag::Severity::kInfo)) << test::show(r.diagnostics);   // note, identifier
}

TEST(RehabRuddiStory, ReplayOfAllDaysGivesOneReportPerDayWithNews) {
  const auto r = test::translate(filesUpTo("2022-06-23"), "2022-06-23");
  EXPECT_EQ(r.errors, 0) << test::show(r.diagnostics);
  std::set<std::string> reportDays;
  for (const auto& m : r.messages) reportDays.insert(m.deliveryDay);
  // The latest versions only: what changed again later is reported on its later day.
  EXPECT_EQ(reportDays.count("2022-05-23"), 1u);
  EXPECT_EQ(reportDays.count("2022-06-23"), 1u);
  std::set<std::string> ids;
  for (const auto& m : r.messages) EXPECT_TRUE(ids.insert(m.idempotencyKey).second) << "a Bundle id twice";
}

// The GGOP alone is reported the day it arrives, before any forløb exists (CONTRACT §1).
TEST(RehabRuddiStory, TheGgopAloneIsReportedFromItsFirstDay) {
  const auto r = test::translate(filesUpTo("2022-05-23"), "2022-05-23");
  ASSERT_EQ(r.messages.size(), 1u) << test::show(r.diagnostics);
  EXPECT_NE(r.messages[0].body.find("klgateway-140-servicerequest"), std::string::npos);
}

// REH-SR-08 broken (no authoredOn) and kept: the report with the error is not sent.
TEST(RehabRuddiStory, AGgopWithoutAuthoredOnIsNotSent) {
  const fs::path dir = fs::temp_directory_path() / ("rehab-sr08-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ifstream in(ruddiDir() / "2022-05-23.json");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  const std::string authored = "\"authoredOn\": \"2022-05-23\",";
  const auto at = text.find(authored);
  ASSERT_NE(at, std::string::npos);
  text.erase(at, authored.size());
  std::ofstream(dir / "2022-05-23.json") << text;
  const auto broken = test::translate({(dir / "2022-05-23.json").string()}, "2022-05-23");
  EXPECT_TRUE(test::hasRule(broken.diagnostics, "REH-SR-08", diag::Severity::kError)) << test::show(broken.diagnostics);
  EXPECT_TRUE(broken.messages.empty());
  for (const auto& d : broken.diagnostics)
    if (d.rule == "REH-SR-08") {
      EXPECT_NE(d.message.find("authoredOn"), std::string::npos) << d.message;
      EXPECT_EQ(d.path.rfind("ServiceRequest/152a1f8f", 0), 0u) << d.path;  // the sender's resource, not the report's
    }
  const auto kept = test::translate(filesUpTo("2022-05-23"), "2022-05-23");
  EXPECT_FALSE(test::hasRule(kept.diagnostics, "REH-SR-08", diag::Severity::kError));
  EXPECT_EQ(kept.messages.size(), 1u);
  fs::remove_all(dir);
}

// All 20 IG examples (6 reports, the IncrementalDelivery, 13 resources) as input: no error, no warning.
TEST(RehabExamples, TheIgExamplesGiveNoErrorOrWarning) {
  const auto r = test::translate({test::sharedDir() + "/reference/rehab/examples"}, "2024-10-31");
  EXPECT_EQ(r.errors, 0) << test::show(r.diagnostics);
  for (const auto& d : r.diagnostics)
    EXPECT_NE(d.severity, diag::Severity::kWarning) << diag::toTextLine(d);
}

}  // namespace
}  // namespace reghub::rehab
