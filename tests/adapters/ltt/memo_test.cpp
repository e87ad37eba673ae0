// ReportMemo (the resources re-sent in a citizen's daily reports checked
// once) changes no diagnostic: a sequence of reports validated with one
// memo reports exactly — text, order — what each report validated on its
// own reports, for the IG's Josefine reports (one Patient in all of them)
// and for randomly broken copies of them, where a resource is clean in one
// report and broken in the next. And the memo does skip: a clean resource
// seen again is not walked again.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "adapters/kl_gateway/core_validator.h"
#include "adapters/ltt/ig_validator.h"
#include "tests/adapters/ltt/test_util.h"

namespace reghub::ltt {
namespace {

using rapidjson::Value;

IgOptions options() {
  IgOptions opt;
  opt.reportingStart = *model::Date::parse("2025-01-01");  // the IG's examples are from 2025
  opt.asOf = *model::Date::parse("2026-06-30");
  return opt;
}

std::vector<std::string> lines(const diag::Collector& c) {
  std::vector<std::string> out;
  for (const diag::Diagnostic& d : c.diagnostics()) out.push_back(diag::toTextLine(d));
  return out;
}

// Each report on its own, as before the memo.
std::vector<std::string> alone(const std::vector<rapidjson::Document>& reports) {
  const IgValidator validator(LttData::get());
  diag::Collector sink;
  for (const rapidjson::Document& r : reports) validator.validateReport(r, options(), diag::Reporter(sink, "ltt"));
  return lines(sink);
}

// All reports with one memo, as LttAdapter::prepare checks a citizen's.
std::vector<std::string> memoised(const std::vector<rapidjson::Document>& reports) {
  const IgValidator validator(LttData::get());
  diag::Collector sink;
  ReportMemo memo(sink);
  for (const rapidjson::Document& r : reports)
    validator.validateReport(r, options(), diag::Reporter(memo, "ltt"), {}, true, &memo);
  return lines(sink);
}

std::vector<std::string> josefineFiles() {
  std::vector<std::string> out;
  for (const auto& f : std::filesystem::directory_iterator(test::sharedDir() + "/reference/ltt/examples"))
    if (f.path().filename().string().rfind("DeliveryReport-Josefine", 0) == 0) out.push_back(f.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

void collect(Value& v, std::vector<Value*>& out) {
  out.push_back(&v);
  if (v.IsObject()) {
    for (auto& m : v.GetObject()) collect(m.value, out);
  } else if (v.IsArray()) {
    for (auto& x : v.GetArray()) collect(x, out);
  }
}

// One value somewhere below the root set to another JSON kind.
void breakOnce(rapidjson::Document& doc, std::mt19937& rng) {
  std::vector<Value*> nodes;
  collect(doc, nodes);
  Value* v = nodes[1 + rng() % (nodes.size() - 1)];
  switch (rng() % 4) {
    case 0: v->SetNull(); break;
    case 1: v->SetString("x y", doc.GetAllocator()); break;
    case 2: v->SetObject(); break;
    default: v->SetInt(7); break;
  }
}

TEST(LttReportMemo, JosefineReportsGiveTheSameDiagnosticsWithTheMemo) {
  std::vector<rapidjson::Document> reports;
  for (const std::string& f : josefineFiles()) reports.push_back(test::parseJson(test::readFile(f)));
  ASSERT_GE(reports.size(), 7u);
  EXPECT_EQ(memoised(reports), alone(reports));
}

TEST(LttReportMemo, BrokenCopiesGiveTheSameDiagnosticsWithTheMemo) {
  const std::vector<std::string> files = josefineFiles();
  std::mt19937 rng(20261201);
  size_t diagnostics = 0;
  for (int round = 0; round < 40; ++round) {
    // A clean report, broken copies of it and of the others, the clean one again.
    std::vector<rapidjson::Document> reports;
    const std::string first = test::readFile(files[rng() % files.size()]);
    reports.push_back(test::parseJson(first));
    for (int i = 0; i < 4; ++i) {
      reports.push_back(test::parseJson(i % 2 ? first : test::readFile(files[rng() % files.size()])));
      breakOnce(reports.back(), rng);
    }
    reports.push_back(test::parseJson(first));
    const std::vector<std::string> expected = alone(reports);
    diagnostics += expected.size();
    ASSERT_EQ(memoised(reports), expected) << "round " << round;
  }
  EXPECT_GT(diagnostics, 40u);  // the copies are broken: the comparison saw findings
}

// A Patient found clean against a later report day is checked again against
// an earlier one, where its birth date (from the CPR) may come after the day.
TEST(LttReportMemo, APatientCleanOnALaterDayIsCheckedAgainOnAnEarlierDay) {
  const std::string text = test::readFile(josefineFiles().front());
  std::vector<rapidjson::Document> reports;
  for (const char* ts : {"2025-06-01T12:00:00+02:00", "1900-01-01T12:00:00+01:00"}) {
    reports.push_back(test::parseJson(text));
    reports.back()["timestamp"].SetString(ts, reports.back().GetAllocator());
  }
  const std::vector<std::string> expected = alone(reports);
  size_t cit05 = 0;
  for (const std::string& l : expected) cit05 += l.find("LTT-CIT-05") != std::string::npos;
  ASSERT_EQ(cit05, 1u);  // the 1900 report: the citizen is not born yet
  EXPECT_EQ(memoised(reports), expected);
}

TEST(CleanResources, AnIdenticalCleanResourceIsWalkedOnce) {
  const rapidjson::Document report = test::parseJson(test::readFile(josefineFiles().front()));
  const rapidjson::Document again = test::parseJson(test::readFile(josefineFiles().front()));
  const kl_gateway::CoreValidator core(LttData::get().core(), kCoreRules);
  diag::Collector sink;
  kl_gateway::CleanResources clean;
  core.validateResource(report, diag::Reporter(sink, "ltt"), clean);
  ASSERT_TRUE(sink.diagnostics().empty());
  const Value& patient = again["entry"][0]["resource"];
  EXPECT_TRUE(clean.contains(patient));  // remembered from the first report's walk
  EXPECT_FALSE(clean.contains(again));   // the root itself is not remembered
}

TEST(CleanResources, AResourceWithAFindingIsNotRemembered) {
  rapidjson::Document report = test::parseJson(test::readFile(josefineFiles().front()));
  Value& patient = report["entry"][0]["resource"];
  patient.AddMember("nickname", "Jo", report.GetAllocator());  // not an R4 Patient element
  const kl_gateway::CoreValidator core(LttData::get().core(), kCoreRules);
  diag::Collector sink;
  kl_gateway::CleanResources clean;
  core.validateResource(report, diag::Reporter(sink, "ltt"), clean);
  EXPECT_EQ(sink.count(diag::Severity::kError), 1);
  EXPECT_FALSE(clean.contains(patient));
  EXPECT_TRUE(clean.contains(report["entry"][1]["resource"]));  // its clean neighbour is
}

TEST(JsonIdentical, SameMembersInTheSameOrderWithTheSameValues) {
  const auto doc = [](const char* text) { return test::parseJson(text); };
  EXPECT_TRUE(kl_gateway::jsonIdentical(doc(R"({"a":[1,"x",true,null],"b":{"c":2.5}})"),
                                        doc(R"({"a":[1,"x",true,null],"b":{"c":2.5}})")));
  EXPECT_FALSE(kl_gateway::jsonIdentical(doc(R"({"a":1,"b":2})"), doc(R"({"b":2,"a":1})")));  // order
  EXPECT_FALSE(kl_gateway::jsonIdentical(doc(R"({"a":1})"), doc(R"({"a":1.0})")));            // number kind
  EXPECT_FALSE(kl_gateway::jsonIdentical(doc(R"({"a":"x"})"), doc(R"({"a":"xy"})")));
  EXPECT_FALSE(kl_gateway::jsonIdentical(doc(R"({"a":[1]})"), doc(R"({"a":[1,1]})")));
  EXPECT_FALSE(kl_gateway::jsonIdentical(doc(R"({"a":null})"), doc(R"({"a":false})")));
  EXPECT_FALSE(kl_gateway::jsonIdentical(doc(R"({"a":1})"), doc(R"({"a":1,"b":1})")));
}

}  // namespace
}  // namespace reghub::ltt
