// SQLite connection: WAL mode, file mode 0600, busy timeout so several
// processes (workers, `reghub ingest` next to `reghub run`) share one file.
// synchronous=NORMAL by default (store.sqlite.synchronous): in WAL mode a
// commit survives a killed process (kill -9), while a power loss may undo
// the last commits; FULL (or "?synchronous=full" on the path) fsyncs every
// commit. The page cache is store.sqlite.cacheMiB (docs/PERFORMANCE.md).
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <map>

#include "hub/store/sql_db.h"

namespace reghub::store {

namespace {

// "$12" → "?12": SQLite's numbered parameters mean the same.
std::string toSqlite(std::string_view sql) {
  std::string out(sql);
  for (size_t i = 0; i + 1 < out.size(); ++i)
    if (out[i] == '$' && std::isdigit(static_cast<unsigned char>(out[i + 1]))) out[i] = '?';
  return out;
}

class SqliteDb final : public SqlDb {
 public:
  SqliteDb(const std::string& path, const SqliteSettings& settings) {
    // Create the file ourselves so it is 0600 from its first byte; SQLite
    // gives the -wal and -shm files the same mode as the database file.
    // Only when it does not exist yet: closing any descriptor of a database
    // file drops every POSIX lock this process holds on it, so doing it
    // beside another open connection (the citizen state's, a worker's)
    // would let another process checkpoint under that connection and
    // corrupt the file.
    if (::access(path.c_str(), F_OK) != 0) {
      const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd < 0 && errno != EEXIST) throw StoreError("cannot create store file " + path);
      if (fd >= 0) ::close(fd);
    }
    ::chmod(path.c_str(), 0600);
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
      const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw StoreError("cannot open store " + path + ": " + why);
    }
    sqlite3_busy_handler(db_, &SqliteDb::onBusy, nullptr);
    // cache_size < 0 is in KiB.
    script(std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=") + (settings.fullSync ? "FULL" : "NORMAL") +
           "; PRAGMA foreign_keys=ON; PRAGMA cache_size=-" + std::to_string(settings.cacheMiB * 1024) +
           "; PRAGMA mmap_size=" + std::to_string(settings.mmapMiB * 1024 * 1024) + ";");
  }
  ~SqliteDb() override {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
    sqlite3_close(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  // Another process holds the write lock: wait for it for up to 30 s in
  // short steps. SQLite's own busy timeout sleeps 25–100 ms a try once a
  // few tries failed, which with three worker processes took delivery from
  // 770 to 26 messages/s (docs/PERFORMANCE.md); a write transaction here is
  // a millisecond or so.
  static int onBusy(void*, int tries) {
    constexpr int kStepMicros = 250;
    constexpr int kMaxTries = 30'000'000 / kStepMicros;
    if (tries >= kMaxTries) return 0;
    ::usleep(kStepMicros);
    return 1;
  }

  std::vector<SqlRow> query(std::string_view sql, const std::vector<SqlParam>& params) override {
    sqlite3_stmt* st = prepare(sql);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    for (size_t i = 0; i < params.size(); ++i) {
      const int idx = static_cast<int>(i + 1);
      if (const auto* v = std::get_if<int64_t>(&params[i]))
        sqlite3_bind_int64(st, idx, *v);
      else if (const auto* s = std::get_if<std::string>(&params[i]))
        sqlite3_bind_text(st, idx, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
      else
        sqlite3_bind_null(st, idx);
    }
    std::vector<SqlRow> rows;
    for (;;) {
      const int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        const std::string why = sqlite3_errmsg(db_);
        sqlite3_reset(st);
        throw StoreError("sqlite: " + why);
      }
      const int n = sqlite3_column_count(st);
      SqlRow row(static_cast<size_t>(n));
      for (int c = 0; c < n; ++c) {
        if (sqlite3_column_type(st, c) == SQLITE_NULL) continue;
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
        row[static_cast<size_t>(c)] = std::string(text, static_cast<size_t>(sqlite3_column_bytes(st, c)));
      }
      rows.push_back(std::move(row));
    }
    changes_ = sqlite3_changes64(db_);
    sqlite3_reset(st);
    return rows;
  }

  int64_t changes() const override { return changes_; }

  void script(std::string_view sql) override {
    char* err = nullptr;
    if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string why = err ? err : "unknown error";
      sqlite3_free(err);
      throw StoreError("sqlite: " + why);
    }
  }

  // Prepared once, like every other statement (sqlite3_exec parses each time:
  // a few per cent of a delivery worker, which opens two transactions per batch).
  void begin() override { query("BEGIN IMMEDIATE", {}); }
  void commit() override { query("COMMIT", {}); }

 private:
  sqlite3_stmt* prepare(std::string_view sql) {
    const std::string key(sql);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    const std::string text = toSqlite(sql);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, text.c_str(), static_cast<int>(text.size()), &st, nullptr) != SQLITE_OK)
      throw StoreError(std::string("sqlite: ") + sqlite3_errmsg(db_) + " in: " + text.substr(0, 200));
    cache_.emplace(key, st);
    return st;
  }

  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*> cache_;
  int64_t changes_ = 0;
};

}  // namespace

std::unique_ptr<SqlDb> openSqlite(const std::string& pathAndOptions, const SqliteSettings& settings) {
  const auto q = pathAndOptions.find('?');
  const std::string path = pathAndOptions.substr(0, q);
  const std::string options = q == std::string::npos ? std::string() : pathAndOptions.substr(q + 1);
  if (!options.empty() && options != "synchronous=full" && options != "synchronous=normal")
    throw StoreError("store.url: unknown SQLite option '" + options + "' (known: synchronous=full|normal)");
  SqliteSettings s = settings;
  if (!options.empty()) s.fullSync = options == "synchronous=full";
  return std::make_unique<SqliteDb>(path, s);
}

}  // namespace reghub::store
