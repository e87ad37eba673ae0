#include "adapters/smdb/sandbox_records.h"

#include <algorithm>
#include <map>

namespace reghub::smdb {

namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS records (
  smdb_id INTEGER PRIMARY KEY AUTOINCREMENT,
  sag_id INTEGER,
  parent_id INTEGER,
  skema TEXT NOT NULL,
  kilde_id TEXT,
  version INTEGER NOT NULL,
  kommune TEXT NOT NULL,
  cpr TEXT NOT NULL,
  fields TEXT NOT NULL,
  origin TEXT NOT NULL,
  operation TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_sag ON records (sag_id);
CREATE INDEX IF NOT EXISTS records_cpr ON records (cpr);
CREATE INDEX IF NOT EXISTS records_kilde ON records (kilde_id);
CREATE INDEX IF NOT EXISTS records_parent ON records (parent_id);
)";

constexpr const char* kColumns =
    "smdb_id, sag_id, parent_id, skema, kilde_id, version, kommune, cpr, fields, origin, operation";

// Fields as lines of "name<TAB>value"; a value's backslash, tab and newline escaped.
std::string encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    out += k + "\t";
    for (char c : v) {
      if (c == '\\') out += "\\\\";
      else if (c == '\t') out += "\\t";
      else if (c == '\n') out += "\\n";
      else out += c;
    }
    out += "\n";
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> decode(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t at = 0;
  while (at < text.size()) {
    const size_t end = text.find('\n', at);
    const std::string line = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    at = end == std::string::npos ? text.size() : end + 1;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    std::string v;
    for (size_t i = tab + 1; i < line.size(); ++i) {
      if (line[i] == '\\' && i + 1 < line.size()) {
        const char n = line[++i];
        v += n == 't' ? '\t' : n == 'n' ? '\n' : n;
      } else {
        v += line[i];
      }
    }
    out.emplace_back(line.substr(0, tab), std::move(v));
  }
  return out;
}

SandboxRecord fromRow(const store::SqlRow& r) {
  SandboxRecord x;
  x.smdbId = r[0].value_or("");
  x.sagId = r[1].value_or("");
  x.parentId = r[2].value_or("");
  x.skema = skemaFromName(r[3].value_or("ANM")).value_or(Skema::kAnm);
  x.kildeId = r[4].value_or("");
  x.version = std::stoi(r[5].value_or("1"));
  x.kommune = r[6].value_or("");
  x.cpr = r[7].value_or("");
  x.fields = decode(r[8].value_or(""));
  x.origin = r[9].value_or("");
  x.operation = r[10].value_or("");
  return x;
}

std::vector<SandboxRecord> rows(store::SqlDb& db, const std::string& where, const std::vector<store::SqlParam>& p) {
  std::vector<SandboxRecord> out;
  for (const store::SqlRow& r : db.query(std::string("SELECT ") + kColumns + " FROM records " + where, p))
    out.push_back(fromRow(r));
  return out;
}

store::SqlParam idParam(const std::string& id) {
  if (id.empty()) return store::SqlParam{};
  return store::SqlParam{int64_t{std::stoll(id)}};
}

}  // namespace

SandboxRecords::SandboxRecords(const std::string& path) : db_(store::openSqlite(path)) { db_->script(kSchema); }
SandboxRecords::~SandboxRecords() = default;

std::vector<SandboxRecord> SandboxRecords::all() { return rows(*db_, "ORDER BY smdb_id", {}); }

std::optional<SandboxRecord> SandboxRecords::get(const std::string& smdbId) {
  if (smdbId.empty() || smdbId.size() > 18 || smdbId.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  auto r = rows(*db_, "WHERE smdb_id = $1", {idParam(smdbId)});
  if (r.empty()) return std::nullopt;
  return r.front();
}

std::optional<SandboxRecord> SandboxRecords::byKildeId(const std::string& kildeId) {
  if (kildeId.empty()) return std::nullopt;
  auto r = rows(*db_, "WHERE kilde_id = $1 ORDER BY smdb_id LIMIT 1", {kildeId});
  if (r.empty()) return std::nullopt;
  return r.front();
}

std::vector<SandboxRecord> SandboxRecords::ofSag(const std::string& sagId) {
  return rows(*db_, "WHERE sag_id = $1 ORDER BY smdb_id", {idParam(sagId)});
}

std::vector<SandboxRecord> SandboxRecords::ofCitizen(const std::string& cpr) {
  return rows(*db_, "WHERE cpr = $1 ORDER BY sag_id, smdb_id", {cpr});
}

std::vector<SandboxRecord> SandboxRecords::query(const std::string& kommune, const std::vector<Skema>& skemaer,
                                                 const std::string& cpr) {
  std::vector<SandboxRecord> out;
  for (SandboxRecord& r : rows(*db_, cpr.empty() ? "WHERE kommune = $1 ORDER BY smdb_id"
                                                 : "WHERE kommune = $1 AND cpr = $2 ORDER BY smdb_id",
                               cpr.empty() ? std::vector<store::SqlParam>{kommune}
                                           : std::vector<store::SqlParam>{kommune, cpr}))
    if (std::find(skemaer.begin(), skemaer.end(), r.skema) != skemaer.end()) out.push_back(std::move(r));
  return out;
}

std::vector<std::string> SandboxRecords::write(std::vector<SandboxRecord> changes) {
  store::Transaction tx(*db_);
  std::vector<std::string> ids;
  const auto resolve = [&](const std::string& ref) {
    if (ref.size() > 1 && ref[0] == '#') return ids.at(std::stoul(ref.substr(1)));
    return ref;
  };
  for (SandboxRecord& c : changes) {
    c.parentId = resolve(c.parentId);
    c.sagId = resolve(c.sagId);
    if (c.smdbId.empty()) {
      const auto r = db_->query(
          "INSERT INTO records (sag_id, parent_id, skema, kilde_id, version, kommune, cpr, fields, origin, operation) "
          "VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9) RETURNING smdb_id",
          {idParam(c.sagId), idParam(c.parentId), std::string(skemaName(c.skema)),
           c.kildeId.empty() ? store::SqlParam{} : store::SqlParam{c.kildeId}, c.kommune, c.cpr, encode(c.fields),
           c.origin, c.operation});
      c.smdbId = r.at(0).at(0).value_or("");
      if (c.sagId.empty()) {  // an anmodning is its own sag
        db_->query("UPDATE records SET sag_id = smdb_id WHERE smdb_id = $1", {idParam(c.smdbId)});
        c.sagId = c.smdbId;
      }
    } else {
      db_->query("UPDATE records SET fields = $1, version = version + 1, operation = $2, kommune = $3, cpr = $4 "
                 "WHERE smdb_id = $5",
                 {encode(c.fields), c.operation, c.kommune, c.cpr, idParam(c.smdbId)});
    }
    ids.push_back(c.smdbId);
  }
  tx.commit();
  return ids;
}

SandboxRecords::Removed SandboxRecords::remove(const std::string& smdbId) {
  if (!get(smdbId)) return Removed::kNotFound;
  // Back to front (Kravspecifikation 5.1); a KvalHep holds its iværksættelse
  // back too (6.1.3, SMDB-IVAER-24).
  const auto children = db_->query("SELECT COUNT(*) FROM records WHERE parent_id = $1", {idParam(smdbId)});
  if (children.at(0).at(0).value_or("0") != "0") return Removed::kHasChildren;
  db_->query("DELETE FROM records WHERE smdb_id = $1", {idParam(smdbId)});
  return Removed::kRemoved;
}

}  // namespace reghub::smdb
