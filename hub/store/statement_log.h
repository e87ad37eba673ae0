#pragma once
// Every distinct statement a store connection runs, with the values of its
// first run: what the query-plan tests EXPLAIN (tests/hub/api/
// store_query_plan_test.cpp), so a query added later is checked without
// anyone listing it. Off unless StoreOptions::statementLog is set.
//
// Thread-safe (connections of several threads may share one log).
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "hub/store/sql_db.h"

namespace reghub::store {

struct LoggedStatement {
  std::string sql;
  std::vector<SqlParam> params;  // of its first run
  bool planned = false;          // run through queryPlanned (planned per call on PostgreSQL)
};

class StatementLog {
 public:
  void record(std::string_view sql, const std::vector<SqlParam>& params, bool planned);
  std::vector<LoggedStatement> statements() const;

 private:
  mutable std::mutex mutex_;
  std::vector<LoggedStatement> statements_;
};

// `db`, with every query()/queryPlanned() recorded in `log`.
std::unique_ptr<SqlDb> recordStatements(std::unique_ptr<SqlDb> db, std::shared_ptr<StatementLog> log);

}  // namespace reghub::store
