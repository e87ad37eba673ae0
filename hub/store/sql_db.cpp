#include "hub/store/sql_db.h"

namespace reghub::store {

void SqlDb::rollback() noexcept {
  try {
    script("ROLLBACK");
  } catch (...) {
    // Nothing to roll back (the failure ended the transaction already).
  }
}

std::unique_ptr<SqlDb> openDatabase(const std::string& url, const SqliteSettings& sqlite) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return openPostgres(url);
  if (url.rfind("sqlite:", 0) == 0) return openSqlite(url.substr(7), sqlite);
  if (url.find("://") != std::string::npos)
    throw StoreError("store.url: unknown scheme in '" + url.substr(0, url.find("://")) +
                     "://…'; use sqlite:/path/file.db or postgresql://host:port/db");
  return openSqlite(url, sqlite);
}

}  // namespace reghub::store
