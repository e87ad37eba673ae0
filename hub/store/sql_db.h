#pragma once
// A thin connection to the delivery store's database: SQLite (embedded
// default) or PostgreSQL (scale-out). SQL is written once with `$1, $2, …`
// placeholders; the SQLite connection rewrites them to `?1, ?2, …`, which
// SQLite reads the same way. Values come back as text (NULL = nullopt).
//
// Not thread-safe: one connection per owner (DeliveryStore serialises its
// use with a mutex). Every call may do I/O and throws StoreError on failure.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace reghub::store {

struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class Dialect { kSqlite, kPostgres };

using SqlParam = std::variant<std::monostate, int64_t, std::string>;
using SqlRow = std::vector<std::optional<std::string>>;

class SqlDb {
 public:
  virtual ~SqlDb() = default;
  virtual Dialect dialect() const = 0;
  // One statement with parameters; returns its rows (RETURNING included).
  virtual std::vector<SqlRow> query(std::string_view sql, const std::vector<SqlParam>& params = {}) = 0;
  // The same, planned for these very values each time (PostgreSQL would
  // otherwise settle on a generic plan, which for the claim query sorts the
  // whole backlog). SQLite: same as query().
  virtual std::vector<SqlRow> queryPlanned(std::string_view sql, const std::vector<SqlParam>& params) {
    return query(sql, params);
  }
  // A statement whose rows and change count the caller does not read (an
  // audit row, a dependency, a counter). Inside a transaction PostgreSQL
  // sends such statements together, in order, before the next query(),
  // script() or commit() (libpq's pipeline mode: one round trip for many);
  // a failure among them is thrown there, and the transaction is lost as it
  // would be anyway. SQLite, and outside a transaction: query(). changes()
  // after exec() says nothing (PostgreSQL: -1 until the next query()).
  virtual void exec(std::string_view sql, const std::vector<SqlParam>& params) { query(sql, params); }
  // Rows changed by the last statement run through query().
  virtual int64_t changes() const = 0;
  // Several statements without parameters (schema scripts).
  virtual void script(std::string_view sql) = 0;
  // A write transaction: SQLite takes the write lock at once
  // (BEGIN IMMEDIATE) so concurrent claimers queue instead of deadlocking.
  virtual void begin() = 0;
  virtual void commit() { script("COMMIT"); }
  void rollback() noexcept;
};

// How an SQLite store is opened (store.sqlite.* keys; docs/STORE.md "SQLite
// settings"). PostgreSQL ignores them.
struct SqliteSettings {
  // FULL: fsync every commit (survives power loss). NORMAL: in WAL mode a
  // commit survives a killed process; a power loss may undo the last ones.
  bool fullSync = false;
  int64_t cacheMiB = 64;  // page cache per connection
  // Reads through a memory map of the file (0: read() calls). Another
  // process's commit empties a connection's page cache; with the map a page
  // read again is the OS's cached page, not a copy (docs/PERFORMANCE.md).
  int64_t mmapMiB = 1024;
};

// "sqlite:/path/to/file.db[?synchronous=full|normal]" (or a plain path) →
// SQLite in WAL mode, the file created with mode 0600; the URL's option wins
// over `sqlite`. "postgresql://…" or "postgres://…" → PostgreSQL.
std::unique_ptr<SqlDb> openDatabase(const std::string& url, const SqliteSettings& sqlite = {});

// Open helpers (used by openDatabase, exposed for tests).
std::unique_ptr<SqlDb> openSqlite(const std::string& path, const SqliteSettings& settings = {});
std::unique_ptr<SqlDb> openPostgres(const std::string& conninfo);

// Commits on commit(), rolls back if destroyed before.
class Transaction {
 public:
  explicit Transaction(SqlDb& db) : db_(db) { db_.begin(); }
  ~Transaction() {
    if (!done_) db_.rollback();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    db_.commit();
    done_ = true;
  }

 private:
  SqlDb& db_;
  bool done_ = false;
};

}  // namespace reghub::store
