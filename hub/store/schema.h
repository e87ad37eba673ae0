#pragma once
// Versioned schema migrations of the delivery store. Each migration is
// applied once, in order, inside a transaction, and recorded in
// reghub_schema. Never edit a released migration: add the next one.
// Pure data; thread-safe.
#include <string>
#include <vector>

#include "hub/store/sql_db.h"

namespace reghub::store {

struct Migration {
  int version;
  std::string description;
  std::string sql;  // for the given dialect
};

std::vector<Migration> migrations(Dialect dialect);

}  // namespace reghub::store
