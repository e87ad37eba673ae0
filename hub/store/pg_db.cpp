// PostgreSQL connection over libpq. Parameters are sent as text and typed
// by the server from context; results come back as text.
#include <libpq-fe.h>

#include <cctype>
#include <memory>

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
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      if (const auto* v = std::get_if<int64_t>(&params[i])) {
        text[i] = std::to_string(*v);
        values[i] = text[i].c_str();
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        values[i] = s->c_str();
      }
    }
    const std::string q(sql);
    Result r(PQexecParams(conn_, q.c_str(), static_cast<int>(params.size()), nullptr, values.data(), nullptr,
                          nullptr, 0));
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

  int64_t changes() const override { return changes_; }

  void script(std::string_view sql) override {
    Result r(PQexec(conn_, std::string(sql).c_str()));
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
      throw StoreError("postgresql: " + safeError(PQresultErrorMessage(r.get())));
  }

  void begin() override { script("BEGIN"); }

 private:
  PGconn* conn_;
  int64_t changes_ = 0;
};

}  // namespace

std::unique_ptr<SqlDb> openPostgres(const std::string& conninfo) { return std::make_unique<PgDb>(conninfo); }

}  // namespace reghub::store
