#include "hub/store/statement_log.h"

#include <algorithm>

namespace reghub::store {

void StatementLog::record(std::string_view sql, const std::vector<SqlParam>& params, bool planned) {
  std::lock_guard lock(mutex_);
  const bool known = std::any_of(statements_.begin(), statements_.end(),
                                 [sql](const LoggedStatement& s) { return s.sql == sql; });
  if (!known) statements_.push_back({std::string(sql), params, planned});
}

std::vector<LoggedStatement> StatementLog::statements() const {
  std::lock_guard lock(mutex_);
  return statements_;
}

namespace {

class RecordingDb final : public SqlDb {
 public:
  RecordingDb(std::unique_ptr<SqlDb> db, std::shared_ptr<StatementLog> log) : db_(std::move(db)), log_(std::move(log)) {}
  Dialect dialect() const override { return db_->dialect(); }
  std::vector<SqlRow> query(std::string_view sql, const std::vector<SqlParam>& params) override {
    log_->record(sql, params, false);
    return db_->query(sql, params);
  }
  std::vector<SqlRow> queryPlanned(std::string_view sql, const std::vector<SqlParam>& params) override {
    log_->record(sql, params, true);
    return db_->queryPlanned(sql, params);
  }
  void exec(std::string_view sql, const std::vector<SqlParam>& params) override {
    log_->record(sql, params, false);
    db_->exec(sql, params);
  }
  int64_t changes() const override { return db_->changes(); }
  void script(std::string_view sql) override { db_->script(sql); }
  void begin() override { db_->begin(); }
  void commit() override { db_->commit(); }

 private:
  std::unique_ptr<SqlDb> db_;
  std::shared_ptr<StatementLog> log_;
};

}  // namespace

std::unique_ptr<SqlDb> recordStatements(std::unique_ptr<SqlDb> db, std::shared_ptr<StatementLog> log) {
  return std::make_unique<RecordingDb>(std::move(db), std::move(log));
}

}  // namespace reghub::store
