// SqlDb::exec — statements whose answers nobody reads, held back inside a
// transaction and sent together on PostgreSQL (libpq's pipeline mode), run
// at once on SQLite. On both stores: the next query sees them, in order; a
// failing one fails the transaction and leaves nothing of it; a rollback
// drops what was held back; outside a transaction nothing waits. Compiled
// once per backend (store_backend.h).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "hub/store/sql_db.h"
#include "tests/hub/store/store_backend.h"

namespace reghub::store {
namespace {

class SqlDbExec : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_ = std::make_unique<testing::StoreBackend>(testing::currentTestName());
    db_ = openDatabase(backend_->url());
    db_->script("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  }
  static int64_t count(SqlDb& db) { return std::stoll(*db.query("SELECT COUNT(*) FROM t").at(0).at(0)); }
  void insert(int64_t k, const std::string& v) { db_->exec("INSERT INTO t (k, v) VALUES ($1, $2)", {k, v}); }

  std::unique_ptr<testing::StoreBackend> backend_;
  std::unique_ptr<SqlDb> db_;
};

// More than one pipeline's worth (256 on PostgreSQL), so a send in the middle happens too.
TEST_F(SqlDbExec, TheNextQuerySeesEveryHeldBackStatementInOrder) {
  Transaction tx(*db_);
  for (int64_t k = 0; k < 1000; ++k) insert(k, "a");
  db_->exec("UPDATE t SET v = 'b' WHERE k = $1", {int64_t{999}});  // after its own insert, or it changes nothing
  EXPECT_EQ(count(*db_), 1000);
  EXPECT_EQ(*db_->query("SELECT v FROM t WHERE k = $1", {int64_t{999}}).at(0).at(0), "b");
  tx.commit();
  EXPECT_EQ(count(*openDatabase(backend_->url())), 1000);  // committed: another connection sees them
}

TEST_F(SqlDbExec, AFailingStatementFailsItsTransactionAndLeavesNothingOfIt) {
  insert(1, "kept");  // outside a transaction: at once
  bool threw = false;
  {
    Transaction tx(*db_);
    insert(2, "rolled back");
    try {
      insert(1, "a duplicate key");  // SQLite throws here, PostgreSQL at the commit
      insert(3, "after the failure");
      tx.commit();
    } catch (const StoreError&) {
      threw = true;
    }
  }
  EXPECT_TRUE(threw);
  EXPECT_EQ(count(*db_), 1);
  // The control: the connection works on, and the same statements without the duplicate commit.
  Transaction tx(*db_);
  insert(2, "x");
  insert(3, "y");
  tx.commit();
  EXPECT_EQ(count(*db_), 3);
}

TEST_F(SqlDbExec, ARollbackDropsWhatWasHeldBack) {
  {
    Transaction tx(*db_);
    insert(1, "a");
    insert(2, "b");
  }  // destroyed without a commit
  EXPECT_EQ(count(*db_), 0);
  {
    Transaction tx(*db_);
    insert(1, "a");
    tx.commit();
  }
  EXPECT_EQ(count(*db_), 1);
}

TEST_F(SqlDbExec, OutsideATransactionNothingWaits) {
  EXPECT_THROW(db_->exec("INSERT INTO t (k, v) VALUES ($1, NULL)", {int64_t{1}}), StoreError);  // its own error, at once
  insert(1, "a");
  EXPECT_EQ(count(*openDatabase(backend_->url())), 1);  // no later query needed for another connection to see it
}

}  // namespace
}  // namespace reghub::store
