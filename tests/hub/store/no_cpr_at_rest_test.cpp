// "A stolen database file reveals no CPR": after storing, delivering and
// rejecting messages whose bodies and registry answers carry CPR numbers
// and names, no byte sequence of any CPR (with or without hyphen) or name
// appears in the SQLite files (database, WAL, shared memory). The control
// case proves the scan finds a CPR where one is stored in clear.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>

#include "hub/store/delivery_store.h"
#include "tests/support/store_test_support.h"

namespace reghub::store {
namespace {

using testing::sampleMessage;
using testing::TempDir;

std::string readAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every file of the store (db, -wal, -shm), concatenated.
std::string storeBytes(const std::filesystem::path& dir) {
  std::string all;
  for (const auto& e : std::filesystem::directory_iterator(dir)) all += readAll(e.path());
  return all;
}

std::vector<std::string> leaks(const std::string& bytes, int messages) {
  std::vector<std::string> found;
  for (int i = 0; i < messages; ++i) {
    const std::string cpr = testing::syntheticCpr(i);
    const std::string hyphen = cpr.substr(0, 6) + "-" + cpr.substr(6);
    const auto at = std::min(bytes.find(cpr), bytes.find(hyphen));
    if (at != std::string::npos) found.push_back(cpr.substr(0, 4) + "**-**** near '" + model::maskCpr(bytes.substr(at >= 40 ? at - 40 : 0, 40)) + "'");
  }
  if (bytes.find("Testesen") != std::string::npos) found.push_back("name Testesen");
  return found;
}

TEST(NoCprAtRest, SqliteFilesHoldNoCprOrName) {
  TempDir dir("reghub-nocpr");
  constexpr int kMessages = 50;
  {
    auto store = DeliveryStore::open({"sqlite:" + (dir.path() / "store.db").string(), testing::testKeyring()});
    for (int i = 0; i < kMessages; ++i) store->enqueue(sampleMessage(i), "ing-1", 1000);
    auto claimed = store->claim(kMessages, "w", 1000, 1000);
    for (auto& c : claimed) {
      AttemptOutcome o;
      o.next = MessageState::kRejected;
      o.httpStatus = 422;
      o.detail = "CPR " + c.message.citizenCpr + " (" + c.message.citizenCpr.substr(0, 6) + "-" +
                 c.message.citizenCpr.substr(6) + ") unknown";  // a registry echoing the CPR
      store->complete(c, "w", o, 1100);
    }
    diag::Diagnostic d;
    d.rule = "X";
    d.citizen = model::maskCpr(testing::syntheticCpr(1));
    store->recordIngest({"ing-1", 1000, "in.ndjson", kMessages, kMessages, 1, 0, false, "cli:test"}, {d});
    // Still open: the WAL holds the recent pages; scan it too.
    const auto found = leaks(storeBytes(dir.path()), kMessages);
    EXPECT_TRUE(found.empty()) << "clear text in the open store: " << (found.empty() ? "" : found[0]);
    EXPECT_EQ(store->historyForCpr(testing::syntheticCpr(3)).size(), 3u);  // still findable by keyed hash
  }
  const auto found = leaks(storeBytes(dir.path()), kMessages);
  EXPECT_TRUE(found.empty()) << "clear text in the closed store: " << (found.empty() ? "" : found[0]);
}

TEST(NoCprAtRest, Control_ScanFindsCprStoredInClear) {
  TempDir dir("reghub-nocpr-control");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() / "plain.db").c_str(), &db), SQLITE_OK);
  const std::string sql = "CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('" + testing::syntheticCpr(5) + "');";
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(leaks(storeBytes(dir.path()), 10).size(), 1u);
}

TEST(NoCprAtRest, SqliteFileIsOwnerOnly) {
  TempDir dir("reghub-mode");
  const auto path = dir.path() / "store.db";
  { auto store = DeliveryStore::open({"sqlite:" + path.string(), testing::testKeyring()});
    store->enqueue(sampleMessage(1), "", 1000); 
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
      struct stat st {};
      ASSERT_EQ(::stat(e.path().c_str(), &st), 0);
      EXPECT_EQ(st.st_mode & 0777, 0600u) << e.path().filename();
    }
  }
}

}  // namespace
}  // namespace reghub::store
