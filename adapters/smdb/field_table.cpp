#include "adapters/smdb/field_table.h"

#include <rapidjson/document.h>

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace reghub::smdb {

namespace {

using rapidjson::Value;

constexpr std::string_view kNames[kSkemaCount] = {"ANM", "IVAER", "TILB", "KVALHEP", "AFSL", "INDS", "YDEL", "UDSK"};

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("smdb mapping: " + what); }

rapidjson::Document readJson(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError()) fail(path + " is not valid JSON (offset " + std::to_string(d.GetErrorOffset()) + ")");
  return d;
}

std::string str(const Value& v, const char* key) {
  if (!v.IsObject()) return {};
  const auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
}

const Value* member(const Value& v, const char* key) {
  if (!v.IsObject()) return nullptr;
  const auto it = v.FindMember(key);
  return it == v.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

bool isCode(const std::string& c) { return c.size() == 2 && std::isdigit(static_cast<unsigned char>(c[0])) && std::isdigit(static_cast<unsigned char>(c[1])); }

Condition parseCondition(const Value& v, const std::string& where) {
  if (!v.IsObject()) fail(where + ": condition is not an object");
  Condition c;
  if (const Value* all = member(v, "all")) {
    c.kind = Condition::Kind::kAll;
    for (const Value& x : all->GetArray()) c.children.push_back(parseCondition(x, where));
    return c;
  }
  if (const Value* any = member(v, "any")) {
    c.kind = Condition::Kind::kAny;
    for (const Value& x : any->GetArray()) c.children.push_back(parseCondition(x, where));
    return c;
  }
  if (const Value* n = member(v, "not")) {
    c.kind = Condition::Kind::kNot;
    c.children.push_back(parseCondition(*n, where));
    return c;
  }
  if (const Value* af = member(v, "any_filled")) {
    c.kind = Condition::Kind::kAnyFilled;
    for (const Value& x : af->GetArray()) c.vars.push_back(x.GetString());
  } else if (const Value* db = member(v, "days_between")) {
    c.kind = Condition::Kind::kDaysBetween;
    for (const Value& x : db->GetArray()) c.vars.push_back(x.GetString());
    if (c.vars.size() != 2) fail(where + ": days_between needs two fields");
  } else {
    c.kind = Condition::Kind::kCompare;
    c.var = str(v, "var");
    if (c.var.empty()) fail(where + ": condition without var");
  }
  c.op = str(v, "op");
  using Op = Condition::Op;
  static const std::map<std::string, Op> kOps = {
      {"eq", Op::kEq}, {"ne", Op::kNe}, {"in", Op::kIn}, {"not_in", Op::kNotIn}, {"gt", Op::kGt}, {"ge", Op::kGe},
      {"lt", Op::kLt}, {"le", Op::kLe}, {"filled", Op::kFilled}, {"empty", Op::kEmpty}, {"true", Op::kTrue}};
  const auto op = kOps.find(c.op);
  if (op != kOps.end()) c.opCode = op->second;
  if (c.kind != Condition::Kind::kAnyFilled && op == kOps.end()) fail(where + ": unknown operator '" + c.op + "'");
  c.ref = str(v, "ref");
  if (const Value* val = member(v, "value")) {
    if (val->IsString()) c.values.push_back(val->GetString());
    else if (val->IsNumber()) c.number = val->GetDouble();
    else if (val->IsArray())
      for (const Value& x : val->GetArray()) c.values.push_back(x.IsString() ? x.GetString() : std::to_string(x.GetInt()));
  }
  return c;
}

void collectVars(const Condition& c, std::set<std::string>& out) {
  if (!c.var.empty()) out.insert(c.var);
  if (!c.ref.empty()) out.insert(c.ref);
  for (const auto& v : c.vars) out.insert(v);
  for (const auto& ch : c.children) collectVars(ch, out);
}

std::map<std::string, std::string> stringMap(const Value& root, const char* key) {
  std::map<std::string, std::string> m;
  if (const Value* o = member(root, key); o && o->IsObject())
    for (auto it = o->MemberBegin(); it != o->MemberEnd(); ++it)
      if (it->value.IsString()) m[it->name.GetString()] = it->value.GetString();
  return m;
}

std::set<std::string> stringSet(const Value& root, const char* key) {
  std::set<std::string> s;
  if (const Value* a = member(root, key); a && a->IsArray())
    for (const Value& x : a->GetArray())
      if (x.IsString()) s.insert(x.GetString());
  return s;
}

model::Date dateOf(const std::string& s, const std::string& where) {
  const auto d = model::Date::parse(s);
  if (!d) fail(where + ": '" + s + "' is not a date (YYYY-MM-DD)");
  return *d;
}

}  // namespace

std::string_view skemaName(Skema s) { return kNames[static_cast<int>(s)]; }

std::optional<Skema> skemaFromName(std::string_view name) {
  for (int i = 0; i < kSkemaCount; ++i)
    if (kNames[i] == name) return static_cast<Skema>(i);
  return std::nullopt;
}

std::optional<Skema> skemaFromQuestionnaire(std::string_view canonical) {
  constexpr std::string_view kPrefix = "urn:reghub:smdb:";
  if (canonical.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view rest = canonical.substr(kPrefix.size());
  if (const auto bar = rest.find('|'); bar != std::string_view::npos) rest = rest.substr(0, bar);  // canonical|version
  return skemaFromName(rest);
}

bool isRetired(Skema s) { return s == Skema::kInds || s == Skema::kYdel || s == Skema::kUdsk; }

std::string FieldDef::display() const {
  return fieldId.empty() ? variable : "[" + fieldId + "] " + variable;
}

size_t FieldTable::size() const {
  size_t n = 0;
  for (const auto& v : bySkema_) n += v.size();
  return n;
}

const FieldDef* FieldTable::find(Skema s, std::string_view variable) const {
  const auto& index = index_[static_cast<int>(s)];
  const auto it = index.find(variable);
  return it == index.end() ? nullptr : &bySkema_[static_cast<int>(s)][it->second];
}

std::shared_ptr<const FieldTable> FieldTable::load(const std::string& dir, const model::Date& asOf) {
  auto table = std::make_shared<FieldTable>();
  const std::string base = dir + "/mapping/smdb/";
  const rapidjson::Document manifest = readJson(base + "manifest.json");
  const Value* versions = member(manifest, "versions");
  if (!versions || !versions->IsArray() || versions->Empty()) fail("manifest.json has no versions");
  const Value* chosen = nullptr;
  model::Date chosenFrom;
  for (const Value& v : versions->GetArray()) {
    const model::Date from = dateOf(str(v, "effective_from"), "manifest.json");
    if (from <= asOf && (!chosen || chosenFrom < from)) {
      chosen = &v;
      chosenFrom = from;
    }
  }
  if (!chosen) fail("no field table is in effect on " + asOf.iso() + " (manifest.json)");
  table->version_ = str(*chosen, "effective_from");
  table->saneretFrom_ = dateOf(str(manifest, "saneret_from"), "manifest.json saneret_from");
  const Value* deadline = member(manifest, "deadline");
  if (!deadline || !deadline->IsObject() || !deadline->HasMember("due_day_of_following_month") ||
      !(*deadline)["due_day_of_following_month"].IsInt())
    fail("manifest.json has no deadline.due_day_of_following_month");
  table->deadlineDay_ = (*deadline)["due_day_of_following_month"].GetInt();
  if (table->deadlineDay_ < 1 || table->deadlineDay_ > 28) fail("manifest.json deadline day must be 1-28");
  table->deadlineSource_ = str(*deadline, "source");
  const Value* skemaer = member(manifest, "skemaer");
  if (!skemaer) fail("manifest.json has no skemaer");
  table->retiredFrom_ = dateOf(str((*skemaer)["INDS"], "retired"), "manifest.json INDS.retired");
  table->voluntaryFrom_ = dateOf(str((*skemaer)["INDS"], "voluntary_from"), "manifest.json INDS.voluntary_from");

  const std::string fieldsPath = base + str(*chosen, "fields");
  const rapidjson::Document fields = readJson(fieldsPath);
  if (!fields.IsArray()) fail(fieldsPath + ": expected an array of fields");
  std::set<std::string> referenced;
  for (const Value& f : fields.GetArray()) {
    FieldDef d;
    const auto sk = skemaFromName(str(f, "skema"));
    d.variable = str(f, "variable");
    const std::string where = fieldsPath + " " + d.variable;
    if (!sk) fail(where + ": unknown skema '" + str(f, "skema") + "'");
    if (d.variable.empty()) fail(fieldsPath + ": field without variable");
    d.skema = *sk;
    d.fieldId = str(f, "field_id");
    d.label = str(f, "label_da");
    const std::string dt = str(f, "datatype");
    if (dt == "String") d.type = DataType::kString;
    else if (dt == "Integer") d.type = DataType::kInteger;
    else if (dt == "Boolean") d.type = DataType::kBoolean;
    else if (dt == "Datetime") d.type = DataType::kDatetime;
    else fail(where + ": unknown datatype '" + dt + "'");
    if (const Value* codes = member(f, "codes")) {
      for (const Value& c : codes->GetArray()) {
        const std::string code = str(c, "code");
        if (!isCode(code)) fail(where + ": code '" + code + "' is not two digits");
        d.codes.push_back(code);
        d.codeLabels[code] = str(c, "label_da");
      }
    }
    if (const Value* r = member(f, "range")) {
      if (const Value* mn = member(*r, "min")) d.rangeMin = mn->GetInt();
      if (const Value* mx = member(*r, "max")) d.rangeMax = mx->GetInt();
      d.rangeMaxRef = str(*r, "max_ref");
      if (!d.rangeMaxRef.empty()) referenced.insert(d.rangeMaxRef);
    }
    if (const Value* ml = member(f, "max_length")) d.maxLength = ml->GetInt();
    if (const Value* len = member(f, "length")) d.exactLength = len->GetInt();
    d.pattern = str(f, "pattern");
    if (const Value* cs = member(f, "code_source")) d.codeSourcePattern = str(*cs, "pattern");
    try {
      if (!d.pattern.empty()) d.patternRe = std::make_shared<const std::regex>(d.pattern);
      if (!d.codeSourcePattern.empty()) d.codeSourceRe = std::make_shared<const std::regex>(d.codeSourcePattern);
    } catch (const std::regex_error&) {
      fail(where + ": invalid pattern");
    }
    if (const Value* s = member(f, "shown_if")) {
      d.shownIf = parseCondition((*s)["expr"], where + " shown_if");
      d.shownIfText = str(*s, "text_da");
      collectVars(*d.shownIf, referenced);
    }
    if (const Value* r = member(f, "required_if")) {
      d.requiredIf = parseCondition((*r)["expr"], where + " required_if");
      d.requiredIfRule = str(*r, "rule");
      if (d.requiredIfRule.empty()) fail(where + ": required_if without rule");
      collectVars(*d.requiredIf, referenced);
    }
    d.required = str(f, "required");
    d.computed = member(f, "computed") != nullptr;
    if (const Value* dr = member(f, "date_range")) {
      d.dateMinRef = str(*dr, "min");
      d.dateMaxToday = str(*dr, "max") == "today";
      if (!d.dateMinRef.empty()) referenced.insert(d.dateMinRef);
    }
    if (const Value* cc = member(f, "code_conditions")) {
      for (const Value& c : cc->GetArray()) {
        CodeCondition x{str(c, "code"), parseCondition(c["allowed_if"], where + " code_conditions"), str(c, "rule")};
        collectVars(x.allowedIf, referenced);
        d.codeConditions.push_back(std::move(x));
      }
    }
    d.substanceKey = str(f, "substance_key");
    d.substance = str(f, "substance");
    d.gridItem = str(f, "grid_item");
    if (const Value* dc = member(f, "date_controlled"))
      d.dateControlledOldCodes = str(*dc, "rule") == "SMDB-DATE-05";
    const int k = static_cast<int>(d.skema);
    if (!table->index_[k].emplace(d.variable, table->bySkema_[k].size()).second)
      fail(where + ": Variabelnavn appears twice in skema " + std::string(skemaName(d.skema)));
    if (!d.substanceKey.empty() &&
        (table->substances_.empty() || table->substances_.back() != d.substanceKey))
      table->substances_.push_back(d.substanceKey);
    table->bySkema_[k].push_back(std::move(d));
  }
  if (table->size() < 200) fail(fieldsPath + ": only " + std::to_string(table->size()) + " fields");
  // Every variable a condition names must exist somewhere (typos in data).
  for (const std::string& v : referenced) {
    bool found = false;
    for (int k = 0; k < kSkemaCount && !found; ++k) found = table->find(static_cast<Skema>(k), v) != nullptr;
    if (!found) fail(fieldsPath + ": a condition names unknown field '" + v + "'");
  }

  table->resolveSlots();

  const std::string rulesPath = base + "rule_map.json";
  const rapidjson::Document rm = readJson(rulesPath);
  RuleMap& r = table->rules_;
  r.hidden = stringMap(rm, "hidden");
  r.required = stringMap(rm, "required");
  r.dateMin = stringMap(rm, "date_min");
  r.code = stringMap(rm, "code");
  r.implied = stringMap(rm, "implied");
  r.hiddenError = stringSet(rm, "hidden_error");
  r.computed = stringSet(rm, "computed");
  for (const std::string& c : stringSet(rm, "intake_mode_codes")) r.intakeModeCodes.push_back(c);
  for (auto& fields : table->bySkema_)
    for (FieldDef& d : fields) d.hubComputed = r.computed.count(d.variable) > 0;
  for (const auto* m : {&r.hidden, &r.required, &r.dateMin, &r.code, &r.implied})
    for (const auto& [var, rule] : *m) {
      bool found = false;
      for (int k = 0; k < kSkemaCount && !found; ++k) found = table->find(static_cast<Skema>(k), var) != nullptr;
      if (!found) fail(rulesPath + ": unknown Variabelnavn '" + var + "'");
      static const std::regex kRule("^SMDB-[A-Z]+-[0-9]{2}$");
      if (!std::regex_match(rule, kRule)) fail(rulesPath + ": '" + rule + "' is not a rule id");
    }
  return table;
}

int FieldTable::slot(std::string_view variable) const {
  const auto it = slots_.find(variable);
  return it == slots_.end() ? -1 : it->second;
}

int FieldTable::addSlot(const std::string& variable) {
  return slots_.emplace(variable, static_cast<int>(slots_.size())).first->second;
}

void FieldTable::resolveSlots(Condition& c) {
  if (!c.var.empty()) c.varSlot = addSlot(c.var);
  if (!c.ref.empty()) c.refSlot = addSlot(c.ref);
  c.varSlots.clear();
  for (const std::string& v : c.vars) c.varSlots.push_back(addSlot(v));
  for (Condition& ch : c.children) resolveSlots(ch);
}

void FieldTable::resolveSlots() {
  for (auto& fields : bySkema_)
    for (FieldDef& d : fields) d.slot = addSlot(d.variable);
  for (auto& fields : bySkema_)
    for (FieldDef& d : fields) {
      if (d.shownIf) resolveSlots(*d.shownIf);
      if (d.requiredIf) resolveSlots(*d.requiredIf);
      for (CodeCondition& cc : d.codeConditions) resolveSlots(cc.allowedIf);
    }
}

std::string dataDir() {
  if (const char* env = std::getenv("REGHUB_DATA_DIR"); env && *env) return env;
#ifdef REGHUB_DATA_DIR_DEFAULT
  return REGHUB_DATA_DIR_DEFAULT;
#else
  return ".";
#endif
}

std::shared_ptr<const FieldTable> defaultFieldTable() {
  static std::mutex mu;
  static std::shared_ptr<const FieldTable> table;
  static std::string loadedFrom;
  std::lock_guard<std::mutex> lock(mu);
  const std::string dir = dataDir();
  if (!table || loadedFrom != dir) {
    table = FieldTable::load(dir, *model::Date::fromYmd(9999, 12, 31));
    loadedFrom = dir;
  }
  return table;
}

}  // namespace reghub::smdb
