#pragma once
// Versioned schema migrations of the delivery store. Each migration is
// applied once, in order, inside a transaction, and recorded in
// reghub_schema. Never edit a released migration: add the next one.
// Pure data; thread-safe.
#include <functional>
#include <string>
#include <vector>

#include "hub/store/sql_db.h"

namespace reghub::store {

struct Migration {
  int version;
  std::string description;
  std::string sql;  // for the given dialect
  // Run after `sql`, in the same transaction: a step SQL cannot say (a value
  // derived by the store's code for the rows already there).
  std::function<void(SqlDb&)> code = {};
};

std::vector<Migration> migrations(Dialect dialect);

}  // namespace reghub::store
