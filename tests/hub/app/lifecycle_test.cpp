// The composition root's life cycle: parts start in the order added, stop
// in reverse, stop is idempotent, and a part that fails to start rolls back
// what started before it (and only that).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "hub/app/lifecycle.h"

namespace reghub::app {
namespace {

// Records every start and stop in one log, in the order they happen.
struct Log {
  std::vector<std::string> events;
  std::unique_ptr<Part> part(const std::string& name, bool failStart = false) {
    return makePart(
        name,
        [this, name, failStart] {
          if (failStart) throw std::runtime_error(name + " cannot start");
          events.push_back("start " + name);
        },
        [this, name] { events.push_back("stop " + name); });
  }
};

using Events = std::vector<std::string>;

TEST(Lifecycle, StartsInOrderStopsInReverse) {
  Log log;
  Lifecycle life;
  life.add(log.part("store"));
  life.add(log.part("workers"));
  life.add(log.part("http"));
  life.start();
  EXPECT_TRUE(life.running());
  life.stop();
  EXPECT_FALSE(life.running());
  EXPECT_EQ(log.events,
            (Events{"start store", "start workers", "start http", "stop http", "stop workers", "stop store"}));
}

TEST(Lifecycle, StartAndStopAreIdempotent) {
  Log log;
  Lifecycle life;
  life.add(log.part("a"));
  life.start();
  life.start();
  life.stop();
  life.stop();
  EXPECT_EQ(log.events, (Events{"start a", "stop a"}));
}

TEST(Lifecycle, FailedStartRollsBackWhatStartedAndRethrows) {
  Log log;
  Lifecycle life;
  life.add(log.part("store"));
  life.add(log.part("workers"));
  life.add(log.part("http", /*failStart=*/true));
  life.add(log.part("never"));
  try {
    life.start();
    FAIL() << "start() should have thrown";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "http cannot start");  // the part's own exception, unchanged
  }
  EXPECT_FALSE(life.running());
  // The failing part is not stopped (it did not start); the one after it never starts.
  EXPECT_EQ(log.events, (Events{"start store", "start workers", "stop workers", "stop store"}));
  life.stop();  // nothing left to stop
  EXPECT_EQ(log.events.size(), 4u);
}

TEST(Lifecycle, DestructorStopsWhatRuns) {
  Log log;
  {
    Lifecycle life;
    life.add(log.part("a"));
    life.add(log.part("b"));
    life.start();
  }
  EXPECT_EQ(log.events, (Events{"start a", "start b", "stop b", "stop a"}));
}

TEST(Lifecycle, CanStartAgainAfterStop) {
  Log log;
  Lifecycle life;
  life.add(log.part("a"));
  life.start();
  life.stop();
  life.start();
  life.stop();
  EXPECT_EQ(log.events, (Events{"start a", "stop a", "start a", "stop a"}));
}

TEST(Lifecycle, AdoptedRunningPartStopsWithTheOthersInReverse) {
  Log log;
  Lifecycle life;
  auto tolerated = log.part("sandbox ltt");
  tolerated->start();  // started by its caller, who would have skipped it on failure
  life.adopt(std::move(tolerated));
  life.adopt(log.part("sandbox smdb"));  // (adopt does not start it: the caller did, or it needs none)
  life.stop();
  EXPECT_EQ(log.events, (Events{"start sandbox ltt", "stop sandbox smdb", "stop sandbox ltt"}));
}

TEST(Lifecycle, AddWhileRunningIsRefused) {
  Log log;
  Lifecycle life;
  life.add(log.part("a"));
  life.start();
  EXPECT_THROW(life.add(log.part("late")), std::logic_error);
  EXPECT_EQ(life.names(), (std::vector<std::string>{"a"}));
}

}  // namespace
}  // namespace reghub::app
