// Deadlines and traffic lights (issue 15): the two shapes of rule an adapter
// declares (monthly, daily), the judgement every registry × kommune gets,
// the SVG charts, and that SMDB and LTT declare their rules from their data
// (SMDB: mapping/smdb/manifest.json; LTT: ltt.reportingStart).
#include <gtest/gtest.h>

#include <regex>

#include "hub/dashboard/charts.h"
#include "hub/dashboard/deadlines.h"
#include "hub/engine/adapter_registry.h"

namespace reghub::dashboard {
namespace {

model::Date day(const char* iso) { return *model::Date::parse(iso); }

// Noon UTC of a day, as the store's milliseconds.
int64_t millisOn(const char* iso) { return (int64_t{day(iso).days()} * 86'400 + 12 * 3600) * 1000; }

TEST(MonthlyDeadline, UntilTheDueDayThePreviousMonthIsDue) {
  const auto rule = engine::monthlyDeadline(15, "test");
  for (const char* today : {"2026-12-01", "2026-12-15"}) {
    const auto n = rule->next(day(today));
    EXPECT_EQ(n.due.iso(), "2026-12-15") << today;
    EXPECT_EQ(n.from.iso(), "2026-11-01") << today;
    EXPECT_EQ(n.to.iso(), "2026-11-30") << today;
    EXPECT_EQ(n.activity, "aktivitet i november 2026");
    EXPECT_EQ(rule->lastPassed(day(today))->due.iso(), "2026-11-15") << today;
  }
}

TEST(MonthlyDeadline, AfterTheDueDayThisMonthIsDueNextMonth) {
  const auto rule = engine::monthlyDeadline(15, "test");
  const auto n = rule->next(day("2026-12-16"));
  EXPECT_EQ(n.due.iso(), "2027-01-15");
  EXPECT_EQ(n.to.iso(), "2026-12-31");
  const auto passed = rule->lastPassed(day("2026-12-16"));
  EXPECT_EQ(passed->due.iso(), "2026-12-15");
  EXPECT_EQ(passed->to.iso(), "2026-11-30");
}

TEST(DailyDeadline, YesterdaysChangesAreDueTodayFromTheStartDay) {
  const auto rule = engine::dailyDeadline(day("2026-04-01"), "test");
  const auto before = rule->next(day("2026-03-20"));
  EXPECT_EQ(before.from.iso(), "2026-04-01");
  EXPECT_EQ(before.due.iso(), "2026-04-02");
  EXPECT_FALSE(rule->lastPassed(day("2026-03-20"))) << "no duty before the start";
  EXPECT_FALSE(rule->lastPassed(day("2026-04-02")));
  const auto n = rule->next(day("2026-04-05"));
  EXPECT_EQ(n.from.iso(), "2026-04-04");
  EXPECT_EQ(n.due.iso(), "2026-04-05");
  EXPECT_EQ(rule->lastPassed(day("2026-04-05"))->to.iso(), "2026-04-03");
}

TEST(TrafficLight, GreenWhenEverythingIsAccepted) {
  const auto rule = engine::monthlyDeadline(15, "test");
  const auto j = judge(rule.get(), day("2026-12-01"), {millisOn("2026-11-30"), std::nullopt}, {});
  EXPECT_EQ(j.light, Light::kGreen);
  EXPECT_NE(j.reason.find("15. december 2026"), std::string::npos) << j.reason;
  EXPECT_NE(j.reason.find("Alt er godkendt"), std::string::npos) << j.reason;
  // No message yet: green too, but it says that nothing was sent.
  const auto none = judge(rule.get(), day("2026-12-01"), {}, {});
  EXPECT_EQ(none.light, Light::kGreen);
  EXPECT_NE(none.reason.find("Intet er sendt"), std::string::npos) << none.reason;
}

TEST(TrafficLight, YellowWhileTheOpenMessagesAreWithinTheNextDeadline) {
  const auto rule = engine::monthlyDeadline(15, "test");
  // Created on 1 November: after October's period, so November's deadline (15 December) still holds.
  const auto waiting = judge(rule.get(), day("2026-12-01"), {std::nullopt, millisOn("2026-11-01")}, {3, 0, 0});
  EXPECT_EQ(waiting.light, Light::kYellow);
  EXPECT_NE(waiting.reason.find("3 venter"), std::string::npos) << waiting.reason;
  const auto rejected = judge(rule.get(), day("2026-12-01"), {std::nullopt, millisOn("2026-11-20")}, {0, 2, 1});
  EXPECT_EQ(rejected.light, Light::kYellow);
  EXPECT_NE(rejected.reason.find("2 afvist og 1 døde"), std::string::npos) << rejected.reason;
}

TEST(TrafficLight, RedWhenAMessageOfAPassedPeriodIsStillNotAccepted) {
  const auto rule = engine::monthlyDeadline(15, "test");
  // Created 31 October: October was due 15 November, which has passed.
  const auto j = judge(rule.get(), day("2026-12-01"), {std::nullopt, millisOn("2026-10-31")}, {0, 1, 0});
  EXPECT_EQ(j.light, Light::kRed);
  EXPECT_NE(j.reason.find("15. november 2026"), std::string::npos) << j.reason;
  EXPECT_NE(j.reason.find("aktivitet i oktober 2026"), std::string::npos) << j.reason;
  // LTT's daily rule: a message of the day before yesterday still waiting is red; yesterday's is yellow.
  const auto daily = engine::dailyDeadline(day("2026-04-01"), "test");
  EXPECT_EQ(judge(daily.get(), day("2026-12-01"), {std::nullopt, millisOn("2026-11-29")}, {1, 0, 0}).light, Light::kRed);
  EXPECT_EQ(judge(daily.get(), day("2026-12-01"), {std::nullopt, millisOn("2026-11-30")}, {1, 0, 0}).light, Light::kYellow);
}

TEST(TrafficLight, NoneWhenTheRegistryDeclaresNoDeadline) {
  const auto j = judge(nullptr, day("2026-12-01"), {}, {1, 0, 0});
  EXPECT_EQ(j.light, Light::kNone);
  EXPECT_FALSE(j.next);
  EXPECT_EQ(lightDa(j.light), "ingen frist");
}

TEST(AdapterDeadlines, SmdbMonthlyByThe15thFromItsDataLttDailyFromItsStart) {
  std::map<std::string, std::shared_ptr<const engine::DeadlineRule>> rules;
  for (const auto& a : engine::AdapterRegistry::createAll()) rules[std::string(a->name())] = a->deadlineRule();
  ASSERT_TRUE(rules.at("smdb"));
  EXPECT_EQ(rules.at("smdb")->next(day("2026-12-01")).due.iso(), "2026-12-15");
  EXPECT_NE(rules.at("smdb")->text().find("Senest den 15. i efterfølgende måned"), std::string::npos)
      << rules.at("smdb")->text();
  ASSERT_TRUE(rules.at("ltt"));
  EXPECT_EQ(rules.at("ltt")->next(day("2026-12-01")).due.iso(), "2026-12-01");
  EXPECT_EQ(rules.at("ltt")->next(day("2026-03-01")).from.iso(), "2026-04-01");
}

TEST(BarChart, OneRectPerNonZeroValueTitlesWithTheNumbersNoScript) {
  const std::string svg = barChart("Test <1>", {"a", "b", "c"},
                                   {{"godkendt", "#2e7d32", {1, 0, 4}}, {"afvist", "#c62828", {2, 0, 0}}});
  const auto count = [&](const std::string& what) {
    size_t n = 0;
    for (size_t at = svg.find(what); at != std::string::npos; at = svg.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count(R"(fill="#2e7d32"/>)"), 2u + 1u) << "two bars and the legend's swatch";
  EXPECT_EQ(count(R"(fill="#c62828"/>)"), 1u + 1u);
  EXPECT_NE(svg.find("<title>c; godkendt: 4; afvist: 0</title>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("Test &lt;1&gt;"), std::string::npos) << "escaped";
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("style="), std::string::npos) << "the CSP forbids inline style";
  // The tallest bar (a: 1 + 2 = 3; c: 4) reaches the top: the axis says 4.
  EXPECT_NE(svg.find(R"(text-anchor="end" font-size="11">4</text>)"), std::string::npos);
}

TEST(BarChart, AnEmptyChartStillRenders) {
  const std::string svg = barChart("leer", {}, {{"x", "#000", {}}});
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_EQ(svg.find("<rect x"), std::string::npos);
}

}  // namespace
}  // namespace reghub::dashboard
