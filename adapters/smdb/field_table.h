#pragma once
// The SMDB field tables (Kravspecifikation sections 3.1-3.3) as loaded from
// mapping/smdb/: every data element with its datatype, code list, range,
// length, display and required conditions, plus the rule-id map the
// generic checks report under. Loaded once at start-up and checked; then
// immutable and safe to share between threads.
//
// load() does file I/O and throws std::runtime_error when the data is
// missing or inconsistent (a configuration error, never a data problem).
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hub/model/date.h"

namespace reghub::smdb {

enum class Skema { kAnm, kIvaer, kTilb, kKvalhep, kAfsl, kInds, kYdel, kUdsk };
constexpr int kSkemaCount = 8;

std::string_view skemaName(Skema s);  // "ANM", "IVAER", …
std::optional<Skema> skemaFromName(std::string_view name);
// "urn:reghub:smdb:IVAER" → kIvaer.
std::optional<Skema> skemaFromQuestionnaire(std::string_view canonical);
bool isRetired(Skema s);  // INDS, YDEL, UDSK

enum class DataType { kString, kInteger, kBoolean, kDatetime };

// A condition of fields.json (`shown_if`, `required_if`, `allowed_if`),
// parsed once. Evaluated by condition.h.
struct Condition {
  enum class Kind { kCompare, kDaysBetween, kAnyFilled, kAll, kAny, kNot };
  Kind kind = Kind::kCompare;
  std::string var;                  // kCompare
  std::string op;                   // eq ne in not_in gt ge lt le filled empty true
  enum class Op { kNone, kEq, kNe, kIn, kNotIn, kGt, kGe, kLt, kLe, kFilled, kEmpty, kTrue };
  Op opCode = Op::kNone;            // `op`, parsed once
  std::vector<std::string> values;  // code(s) to compare with (strings)
  std::optional<double> number;     // numeric value to compare with
  std::string ref;                  // compare with another field instead
  std::vector<std::string> vars;    // kDaysBetween [from, to] / kAnyFilled
  std::vector<Condition> children;  // kAll / kAny / kNot
  // FieldTable::slot() of var, ref and vars, resolved at load (-1: by name).
  int varSlot = -1, refSlot = -1;
  std::vector<int> varSlots;
};

struct CodeCondition {
  std::string code;
  Condition allowedIf;
  std::string rule;
};

struct FieldDef {
  Skema skema = Skema::kAnm;
  std::string fieldId;   // "4-IVÆR"; empty for the AFSL text field
  std::string variable;  // Variabelnavn = linkId = XML element name
  std::string label;     // Danish label of the spec
  DataType type = DataType::kString;
  std::vector<std::string> codes;  // allowed codes ("01"); empty if uncoded
  std::map<std::string, std::string> codeLabels;
  std::optional<long> rangeMin, rangeMax;
  std::string rangeMaxRef;  // e.g. PersonIvaerksatBehandlingAlderKvantitet
  std::optional<int> maxLength;
  std::optional<int> exactLength;  // 9-TILB: "5-cifret"
  std::string pattern;             // regex (KommuneKode)
  std::string codeSourcePattern;   // 10-IVÆR: 4-digit country codes besides the list
  std::shared_ptr<const std::regex> patternRe, codeSourceRe;  // compiled once at load
  std::optional<Condition> shownIf;
  std::string shownIfText;
  std::optional<Condition> requiredIf;
  std::string requiredIfRule;
  std::string required;  // yes | conditional | implied | computed | unspecified
  bool computed = false;
  std::string dateMinRef;  // Variabelnavn or empty
  bool dateMaxToday = false;
  std::vector<CodeCondition> codeConditions;
  std::string substanceKey;  // 18-IVÆR grid
  std::string substance;     // "Metadon (ordineret)"
  std::string gridItem;
  bool dateControlledOldCodes = false;  // 4-/6-IVÆR: old option sets not in this spec (6.2)
  // Resolved at load, so the per-answer rules look up nothing by name:
  int slot = -1;             // FieldTable::slot(variable)
  bool hubComputed = false;  // in rule_map.json "computed" (GEN-12): the hub fills it

  // "[4-IVÆR] BehandlingGarantiOverskredetAarsagKode" for messages.
  std::string display() const;
  // The felt-id for diagnostics, or the Variabelnavn where the spec has none.
  std::string diagField() const { return fieldId.empty() ? variable : fieldId; }
};

// Which rule id a generic check reports (mapping/smdb/rule_map.json).
struct RuleMap {
  std::map<std::string, std::string> hidden, required, dateMin, code, implied;
  std::set<std::string> hiddenError;
  std::set<std::string> computed;
  std::vector<std::string> intakeModeCodes;
};

class FieldTable {
 public:
  // Reads <dataDir>/mapping/smdb/manifest.json, the newest field table in
  // effect on `asOf`, and rule_map.json. Throws std::runtime_error.
  static std::shared_ptr<const FieldTable> load(const std::string& dataDir, const model::Date& asOf);

  const FieldDef* find(Skema s, std::string_view variable) const;
  const std::vector<FieldDef>& fields(Skema s) const { return bySkema_[static_cast<int>(s)]; }
  const RuleMap& rules() const { return rules_; }
  const std::string& version() const { return version_; }
  model::Date saneretFrom() const { return saneretFrom_; }
  model::Date retiredFrom() const { return retiredFrom_; }
  model::Date voluntaryFrom() const { return voluntaryFrom_; }
  // The reporting deadline (manifest.json "deadline"): a month's activity by
  // this day of the following month, and where the spec says so.
  int deadlineDay() const { return deadlineDay_; }
  const std::string& deadlineSource() const { return deadlineSource_; }
  // Substance keys of the 18-IVÆR grid in table order.
  const std::vector<std::string>& substances() const { return substances_; }
  size_t size() const;
  // Every Variabelnavn has a dense number, so a form's answers and the
  // conditions over them meet by index instead of by name (-1: unknown).
  int slot(std::string_view variable) const;
  size_t slotCount() const { return slots_.size(); }

 private:
  void resolveSlots();
  void resolveSlots(Condition& c);
  int addSlot(const std::string& variable);
  std::map<std::string, int, std::less<>> slots_;
  std::vector<FieldDef> bySkema_[kSkemaCount];
  // Variabelnavn → place in bySkema_. Hashed: the names share long
  // prefixes ("Behandling…"), which a tree compares again at every level.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, size_t, NameHash, std::equal_to<>> index_[kSkemaCount];
  std::vector<std::string> substances_;
  RuleMap rules_;
  std::string version_;
  model::Date saneretFrom_, retiredFrom_, voluntaryFrom_;
  int deadlineDay_ = 15;
  std::string deadlineSource_;
};

// The data directory: env REGHUB_DATA_DIR, else the compile-time default.
std::string dataDir();

// Shared, lazily loaded table for the current data directory (thread-safe).
std::shared_ptr<const FieldTable> defaultFieldTable();

}  // namespace reghub::smdb
