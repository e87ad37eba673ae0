// PostgreSQL connection over libpq. Parameters are sent as text and typed
// by the server from context; results come back as text.
#include <libpq-fe.h>

#include <cctype>
#include <map>
#include <memory>
#include <vector>

#include "hub/model/cpr.h"
#include "hub/store/sql_db.h"

namespace reghub::store {

namespace {

struct ResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultFree>;

// libpq messages may quote parameter values; never let a CPR through.
std::string safeError(const char* text) {
  std::string s = text ? text : "unknown error";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (size_t i = 0; i + 10 <= s.size(); ++i) {
    bool ten = true;
    for (size_t k = 0; k < 10 && ten; ++k) ten = std::isdigit(static_cast<unsigned char>(s[i + k])) != 0;
    if (ten) s.replace(i, 10, model::maskCpr(s.substr(i, 10)));
  }
  return s;
}

class PgDb final : public SqlDb {
 public:
  explicit PgDb(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
      const std::string why = conn_ ? safeError(PQerrorMessage(conn_)) : "out of memory";
      PQfinish(conn_);
      throw StoreError("cannot connect to PostgreSQL: " + why);
    }
    script("SET client_min_messages = warning");
  }
  ~PgDb() override { PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::kPostgres; }

  std::vector<SqlRow> query(std::string_view sql, const std::vector<SqlParam>& params) override {
    return run(sql, params, true);
  }
  std::vector<SqlRow> queryPlanned(std::string_view sql, const std::vector<SqlParam>& params) override {
    return run(sql, params, false);
  }

  std::vector<SqlRow> run(std::string_view sql, const std::vector<SqlParam>& params, bool prepared) {
    sendPending();
    const TextParams p(params);
    // Prepared once per connection: planning is most of a small query's cost.
    Result r;
    if (prepared) {
      const std::string& name = prepare(sql, p.count());
      r.reset(PQexecPrepared(conn_, name.c_str(), p.count(), p.values(), nullptr, nullptr, 0));
    } else {
      const std::string q(sql);
      r.reset(PQexecParams(conn_, q.c_str(), p.count(), nullptr, p.values(), nullptr, nullptr, 0));
    }
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
      throw StoreError("postgresql: " + safeError(PQresultErrorMessage(r.get())));
    const char* tuples = PQcmdTuples(r.get());
    changes_ = (tuples && *tuples) ? std::stoll(tuples) : 0;
    std::vector<SqlRow> rows;
    const int n = PQntuples(r.get());
    const int m = PQnfields(r.get());
    rows.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      SqlRow row(static_cast<size_t>(m));
      for (int c = 0; c < m; ++c)
        if (!PQgetisnull(r.get(), i, c))
          row[static_cast<size_t>(c)] = std::string(PQgetvalue(r.get(), i, c), static_cast<size_t>(PQgetlength(r.get(), i, c)));
      rows.push_back(std::move(row));
    }
    return rows;
  }

  void exec(std::string_view sql, const std::vector<SqlParam>& params) override {
    if (!inTransaction_) {
      run(sql, params, true);
      return;
    }
    pending_.push_back({std::string(sql), params});
    changes_ = -1;  // not this statement's count: nobody may read it after exec()
    if (pending_.size() >= kMaxPending) sendPending();
  }

  int64_t changes() const override { return changes_; }

  void script(std::string_view sql) override {
    const bool rollback = sql == "ROLLBACK";
    if (rollback)
      pending_.clear();  // what was not sent is rolled back with the rest
    else
      sendPending();
    if (rollback || sql == "COMMIT") inTransaction_ = false;
    Result r(PQexec(conn_, std::string(sql).c_str()));
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
      throw StoreError("postgresql: " + safeError(PQresultErrorMessage(r.get())));
  }

  void begin() override {
    script("BEGIN");
    inTransaction_ = true;
  }

 private:
  // Parameters as libpq takes them: text, NULL for none.
  class TextParams {
   public:
    explicit TextParams(const std::vector<SqlParam>& params) : text_(params.size()), values_(params.size(), nullptr) {
      for (size_t i = 0; i < params.size(); ++i) {
        if (const auto* v = std::get_if<int64_t>(&params[i])) {
          text_[i] = std::to_string(*v);
          values_[i] = text_[i].c_str();
        } else if (const auto* s = std::get_if<std::string>(&params[i])) {
          values_[i] = s->c_str();
        }
      }
    }
    int count() const { return static_cast<int>(values_.size()); }
    const char* const* values() const { return values_.data(); }

   private:
    std::vector<std::string> text_;
    std::vector<const char*> values_;
  };

  struct Pending {
    std::string sql;
    std::vector<SqlParam> params;
  };
  // Few enough that their answers (a few bytes each) never fill the socket
  // while libpq is still sending: blocking mode cannot deadlock.
  static constexpr size_t kMaxPending = 256;

  // The exec() statements held back, sent as one pipeline: each statement,
  // then one sync, then every answer read. The first error is thrown after
  // the answers are drained (the server skips the rest of the pipeline).
  void sendPending() {
    if (pending_.empty()) return;
    std::vector<Pending> batch;
    batch.swap(pending_);
    std::vector<const std::string*> names;  // prepared before the pipeline: PQprepare waits for its answer
    names.reserve(batch.size());
    for (const Pending& p : batch) names.push_back(&prepare(p.sql, static_cast<int>(p.params.size())));
    if (PQenterPipelineMode(conn_) != 1)
      throw StoreError("postgresql: cannot send statements together: " + safeError(PQerrorMessage(conn_)));
    std::string error;
    size_t sent = 0;
    bool synced = false;
    try {
      for (; sent < batch.size(); ++sent) {
        const TextParams p(batch[sent].params);
        if (PQsendQueryPrepared(conn_, names[sent]->c_str(), p.count(), p.values(), nullptr, nullptr, 0) != 1) {
          error = safeError(PQerrorMessage(conn_));
          break;
        }
      }
      synced = PQpipelineSync(conn_) == 1;
    } catch (...) {
      abandonConnection();
      throw;
    }
    if (!synced) {
      // Without the sync the server may never answer what was sent: the
      // connection (and its transaction) is given up, not waited on.
      if (error.empty()) error = safeError(PQerrorMessage(conn_));
      abandonConnection();
      throw StoreError("postgresql: " + error);
    }
    for (size_t i = 0; i < sent; ++i)
      while (PGresult* raw = PQgetResult(conn_)) {  // a statement's answers end with a null
        Result r(raw);
        const auto status = PQresultStatus(r.get());
        if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && status != PGRES_PIPELINE_ABORTED &&
            error.empty())
          error = safeError(PQresultErrorMessage(r.get()));
      }
    Result(PQgetResult(conn_));  // the sync's own answer
    if (PQexitPipelineMode(conn_) != 1) {
      if (error.empty()) error = safeError(PQerrorMessage(conn_));
      abandonConnection();
    }
    if (!error.empty()) throw StoreError("postgresql: " + error);
  }

  const std::string& prepare(std::string_view sql, int nParams) {
    const std::string key(sql);
    if (const auto it = prepared_.find(key); it != prepared_.end()) return it->second;
    std::string name = "s";  // (not "s" + …: GCC 12 -O3 -Wrestrict false positive)
    name += std::to_string(prepared_.size());
    Result r(PQprepare(conn_, name.c_str(), key.c_str(), nParams, nullptr));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK)
      throw StoreError("postgresql: " + safeError(PQresultErrorMessage(r.get())));
    return prepared_.emplace(key, name).first->second;
  }

  // After a pipeline that cannot be finished: a fresh connection, so later
  // statements (the caller's ROLLBACK first) do not fail in pipeline mode.
  // Its transaction is lost, as the error that brought us here says.
  void abandonConnection() noexcept {
    PQreset(conn_);
    prepared_.clear();
    pending_.clear();
    inTransaction_ = false;
  }

  PGconn* conn_;
  std::map<std::string, std::string> prepared_;
  int64_t changes_ = 0;
  bool inTransaction_ = false;
  std::vector<Pending> pending_;
};

}  // namespace

std::unique_ptr<SqlDb> openPostgres(const std::string& conninfo) { return std::make_unique<PgDb>(conninfo); }

}  // namespace reghub::store
