// The dashboard's kept periods (migration 13; docs/STORE.md "Dashboard
// periods"): a closed month's completeness and a closed day's outcomes are
// computed once and read from rows after; a late change inside a kept
// period — a message of a closed month accepted or replayed later, a message
// or transition recorded with a time in it — is counted at the next read,
// because the triggers mark the period. The control removes the marks behind
// the triggers' back and the kept rows stay as they were. Both stores; the
// times are passed in, so the calendar is fixed (today 2026-03-10).
#include <gtest/gtest.h>

#include "hub/store/dashboard_store.h"
#include "tests/hub/store/store_backend.h"

namespace reghub::store {
namespace {

using testing::sampleMessage;

const model::Date kToday = *model::Date::parse("2026-03-10");
const model::Date kFirst = *model::Date::parse("2025-12-01");

int64_t at(const char* date, int hour = 12) {
  return copenhagenMidnightMillis(*model::Date::parse(date)) + hour * 3'600'000LL;
}

AttemptOutcome outcome(MessageState next) {
  AttemptOutcome o;
  o.next = next;
  o.httpStatus = next == MessageState::kAccepted ? 200 : 400;
  o.detail = "TEST-01 test";
  return o;
}

class DashboardStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = backend_.open();
    dash_ = DashboardStore::open(store_->options());
  }
  // Message i of `kommune` created at `created`, sent and ended as `end` at
  // `ended`; without an end it waits (held back until December: no claim takes it).
  void message(int i, const std::string& kommune, int64_t created, std::optional<MessageState> end, int64_t ended) {
    store_->enqueue(sampleMessage(i, "reg-a", kommune), "ing-" + std::to_string(i), created, end ? 0 : at("2026-12-01"));
    if (!end) return;
    auto claimed = store_->claim(1, "w", ended, 60'000);
    ASSERT_EQ(claimed.size(), 1u);
    ASSERT_TRUE(store_->complete(claimed[0], "w", outcome(*end), ended));
  }
  MonthCompleteness month(int m, const std::vector<std::string>& kommuner = {}) {
    for (const auto& c : dash_->completenessPerMonth(kFirst, kToday, kommuner))
      if (c.month == m) return c;
    ADD_FAILURE() << "no month " << m;
    return {};
  }
  int64_t day(const char* date, MessageState state, const std::vector<std::string>& kommuner = {}) {
    const int64_t d = model::Date::parse(date)->days();
    int64_t n = 0;
    for (const auto& c : dash_->outcomesPerDay(kFirst, kToday, kommuner))
      if (c.period == d && c.state == state) n += c.count;
    return n;
  }
  // January: forløb 1 accepted, 2 rejected, 3 waiting (0101); 4 accepted (0330).
  void january() {
    message(1, "0101", at("2026-01-10"), MessageState::kAccepted, at("2026-01-11"));
    message(2, "0101", at("2026-01-12"), MessageState::kRejected, at("2026-01-13"));
    message(3, "0101", at("2026-01-14"), std::nullopt, 0);
    message(4, "0330", at("2026-01-20"), MessageState::kAccepted, at("2026-01-21"));
  }

  testing::StoreBackend backend_{testing::currentTestName()};
  std::unique_ptr<DeliveryStore> store_;
  std::unique_ptr<DashboardStore> dash_;
};

TEST_F(DashboardStoreTest, AClosedMonthIsComputedOnceThenReadFromItsRows) {
  january();
  const auto first = month(1);
  EXPECT_EQ(first.forloeb, 4);
  EXPECT_EQ(first.complete, 2);
  const int64_t computed = dash_->periodsComputed();
  EXPECT_EQ(computed, 3);  // December, January, February: each once
  const auto again = month(1);
  EXPECT_EQ(dash_->periodsComputed(), computed) << "a closed month without changes is read, not counted";
  EXPECT_EQ(again.forloeb, 4);
  EXPECT_EQ(again.complete, 2);
}

TEST_F(DashboardStoreTest, ALateChangeInAClosedMonthIsCounted) {
  january();
  ASSERT_EQ(month(1).complete, 2);
  // In March the rejected January message is replayed and accepted.
  store_->replay({MessageState::kRejected, "", std::nullopt, {}}, "test", at("2026-03-09"));
  auto claimed = store_->claim(1, "w", at("2026-03-09", 13), 60'000);
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_TRUE(store_->complete(claimed[0], "w", outcome(MessageState::kAccepted), at("2026-03-09", 14)));
  const int64_t computed = dash_->periodsComputed();
  EXPECT_EQ(month(1).complete, 3);
  EXPECT_EQ(dash_->periodsComputed(), computed + 1) << "only January is counted again";
  // A late message: created (by the caller's clock) in January for a new forløb, waiting.
  message(5, "0330", at("2026-01-25"), std::nullopt, 0);
  EXPECT_EQ(month(1).forloeb, 5);
  EXPECT_EQ(month(1).complete, 3);
}

TEST_F(DashboardStoreTest, Control_WithoutTheMarkAKeptMonthStaysAsItWas) {
  january();
  ASSERT_EQ(month(1).complete, 2);
  store_->replay({MessageState::kRejected, "", std::nullopt, {}}, "test", at("2026-03-09"));
  auto claimed = store_->claim(1, "w", at("2026-03-09", 13), 60'000);
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_TRUE(store_->complete(claimed[0], "w", outcome(MessageState::kAccepted), at("2026-03-09", 14)));
  // The triggers' marks removed behind their back: the kept row is read as it was.
  openDatabase(backend_.url())->script("DELETE FROM dashboard_stale");
  const int64_t computed = dash_->periodsComputed();
  EXPECT_EQ(month(1).complete, 2);
  EXPECT_EQ(dash_->periodsComputed(), computed);
}

TEST_F(DashboardStoreTest, AChangeOfThisMonthMarksNoKeptMonth) {
  january();
  ASSERT_EQ(month(1).complete, 2);
  const int64_t computed = dash_->periodsComputed();
  message(6, "0101", at("2026-03-02"), MessageState::kAccepted, at("2026-03-03"));
  const auto march = month(3);
  EXPECT_EQ(march.forloeb, 1);
  EXPECT_EQ(march.complete, 1);
  EXPECT_EQ(dash_->periodsComputed(), computed) << "this month is counted live; no kept month was marked";
}

TEST_F(DashboardStoreTest, ClosedDaysAreKeptAndALateTransitionIsCounted) {
  january();
  EXPECT_EQ(day("2026-01-11", MessageState::kAccepted), 1);
  EXPECT_EQ(day("2026-01-13", MessageState::kRejected), 1);
  const int64_t computed = dash_->periodsComputed();
  EXPECT_EQ(day("2026-01-11", MessageState::kAccepted), 1);
  EXPECT_EQ(dash_->periodsComputed(), computed);
  // A message accepted with a time on 2026-01-11 (a caller's clock behind): that day is counted again.
  message(9, "0101", at("2026-01-11", 10), MessageState::kAccepted, at("2026-01-11", 16));
  EXPECT_EQ(day("2026-01-11", MessageState::kAccepted), 2);
  EXPECT_EQ(dash_->periodsComputed(), computed + 1);
  // Today is live.
  message(7, "0101", at("2026-03-10", 8), MessageState::kDead, at("2026-03-10", 9));
  EXPECT_EQ(day("2026-03-10", MessageState::kDead), 1);
}

TEST_F(DashboardStoreTest, AKommuneSeesItsOwnNumbersOnly) {
  january();
  message(8, "0330", at("2026-03-10", 8), MessageState::kRejected, at("2026-03-10", 9));
  const auto own = month(1, {"0330"});
  EXPECT_EQ(own.forloeb, 1);
  EXPECT_EQ(own.complete, 1);
  EXPECT_EQ(month(1, {"0101"}).forloeb, 3);
  EXPECT_EQ(day("2026-01-13", MessageState::kRejected, {"0330"}), 0);
  EXPECT_EQ(day("2026-01-13", MessageState::kRejected, {"0101"}), 1);
  EXPECT_EQ(day("2026-03-10", MessageState::kRejected, {"0330"}), 1);
  EXPECT_EQ(day("2026-03-10", MessageState::kRejected, {"0101"}), 0);
  int64_t errors0101 = 0, errors0330 = 0;
  for (const auto& c : dash_->openErrorsPerWeek(at("2026-01-01"), 3'600'000, {"0101"})) errors0101 += c.count;
  for (const auto& c : dash_->openErrorsPerWeek(at("2026-01-01"), 3'600'000, {"0330"})) errors0330 += c.count;
  EXPECT_EQ(errors0101, 1);
  EXPECT_EQ(errors0330, 1);
}

// The finding: a recount held the store's write lock (SQLite BEGIN
// IMMEDIATE; PostgreSQL SHARE locks on messages and transitions) while it
// counted, so an ingest's write waited for it (SQLite: its BEGIN IMMEDIATE
// timed out behind it; PostgreSQL: it waited for the lock). Now the lock is
// a barrier only: another connection queues a message while January is
// being counted and commits; the count finishes; and the change it missed
// left its mark, so the next read counts January again (the control: a read
// after that computes nothing).
TEST_F(DashboardStoreTest, AWriterCommitsWhileAPeriodIsCounted_AndItsChangeIsCountedNext) {
  january();
  ASSERT_EQ(month(1).forloeb, 4);
  message(5, "0330", at("2026-01-25"), std::nullopt, 0);  // marks January
  auto writer = DeliveryStore::open(store_->options());  // another connection: an ingest
  int64_t written = 0;
  dash_->whileCounting([&] {
    if (written) return;
    written = writer->enqueue(sampleMessage(6, "reg-a", "0330"), "ing-6", at("2026-01-26"), at("2026-12-01")).id;
  });
  const int64_t computed = dash_->periodsComputed();
  EXPECT_EQ(month(1).forloeb, 5) << "counted before the writer's message";
  EXPECT_EQ(dash_->periodsComputed(), computed + 1);
  ASSERT_GT(written, 0);
  EXPECT_EQ(store_->stateOf(written), MessageState::kPending) << "the writer committed during the count";
  dash_->whileCounting({});
  EXPECT_EQ(month(1).forloeb, 6) << "its mark stayed: January counted again";
  EXPECT_EQ(dash_->periodsComputed(), computed + 2);
  EXPECT_EQ(month(1).forloeb, 6);
  EXPECT_EQ(dash_->periodsComputed(), computed + 2) << "the control: nothing left to count";
}

// Two processes counting the same period (a review finding): A opens the
// period and counts; a writer commits (its mark); B opens the period again
// (clearing that mark), counts with the writer's message and writes. A's
// older count must not overwrite B's: it finds its opening gone and writes
// nothing. The control: a third read computes nothing and shows B's figure.
TEST_F(DashboardStoreTest, TwoProcessesCountingOnePeriod_TheLaterOpeningsCountStands) {
  january();
  ASSERT_EQ(month(1).forloeb, 4);
  message(5, "0330", at("2026-01-25"), std::nullopt, 0);  // marks January
  auto other = DashboardStore::open(store_->options());   // process B
  auto writer = DeliveryStore::open(store_->options());
  int64_t otherSaw = 0;
  dash_->whileCounting([&] {
    if (otherSaw) return;
    writer->enqueue(sampleMessage(6, "reg-a", "0330"), "ing-6", at("2026-01-26"), at("2026-12-01"));
    for (const auto& c : other->completenessPerMonth(kFirst, kToday, {}))
      if (c.month == 1) otherSaw = c.forloeb;
  });
  const int64_t computed = dash_->periodsComputed(), otherComputed = other->periodsComputed();
  EXPECT_EQ(month(1).forloeb, 6) << "A reads the rows B wrote, not its own older count";
  EXPECT_EQ(otherSaw, 6) << "B counted after the writer";
  EXPECT_EQ(other->periodsComputed(), otherComputed + 1);
  EXPECT_EQ(dash_->periodsComputed(), computed) << "A's count was not written over B's";
  dash_->whileCounting({});
  EXPECT_EQ(month(1).forloeb, 6);
  EXPECT_EQ(dash_->periodsComputed(), computed) << "the control: B's row stands, nothing counted again";
}

TEST_F(DashboardStoreTest, LocalMidnight) {
  EXPECT_EQ(copenhagenMidnightMillis(*model::Date::parse("2026-01-15")),
            int64_t{model::Date::parse("2026-01-15")->days()} * 86'400'000 - 3'600'000);
  EXPECT_EQ(copenhagenMidnightMillis(*model::Date::parse("2026-07-15")),
            int64_t{model::Date::parse("2026-07-15")->days()} * 86'400'000 - 7'200'000);
}

}  // namespace
}  // namespace reghub::store
