// SQLite connection options in store.url.
#include <gtest/gtest.h>

#include "hub/store/sql_db.h"
#include "tests/support/store_test_support.h"

namespace reghub::store {
namespace {

std::string pragma(SqlDb& db, const std::string& name) { return db.query("PRAGMA " + name).at(0).at(0).value_or(""); }

TEST(SqliteDb, Defaults_WalAndNormalSync) {
  testing::TempDir dir;
  auto db = openDatabase("sqlite:" + (dir.path() / "a.db").string());
  EXPECT_EQ(pragma(*db, "journal_mode"), "wal");
  EXPECT_EQ(pragma(*db, "synchronous"), "1");  // NORMAL
}

TEST(SqliteDb, SynchronousFullOption) {
  testing::TempDir dir;
  auto db = openDatabase("sqlite:" + (dir.path() / "a.db").string() + "?synchronous=full");
  EXPECT_EQ(pragma(*db, "synchronous"), "2");  // FULL
}

TEST(SqliteDb, UnknownOptionOrSchemeIsAClearError) {
  testing::TempDir dir;
  EXPECT_THROW(openDatabase("sqlite:" + (dir.path() / "a.db").string() + "?fast=yes"), StoreError);
  EXPECT_THROW(openDatabase("mysql://x"), StoreError);
}

}  // namespace
}  // namespace reghub::store
