#include "adapters/ltt/ltt_data.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <tuple>

#ifndef REGHUB_DATA_DIR_DEFAULT
#define REGHUB_DATA_DIR_DEFAULT "."
#endif

namespace reghub::ltt {

namespace {

using rapidjson::Value;

std::string key(std::string_view system, std::string_view code) {
  std::string k(system);
  k += '|';
  k += code;
  return k;
}

rapidjson::Document readJson(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("ltt: cannot read data file " + file + " (set REGHUB_DATA_DIR)");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError())
    throw std::runtime_error("ltt: " + file + " is not valid JSON at offset " + std::to_string(d.GetErrorOffset()) +
                             ": " + rapidjson::GetParseError_En(d.GetParseError()));
  return d;
}

std::string str(const Value& v, const char* name) {
  if (!v.IsObject()) return {};
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString()) : std::string();
}

const Value& need(const Value& v, const char* name, const std::string& file) {
  if (!v.IsObject() || !v.HasMember(name)) throw std::runtime_error("ltt: " + file + ": missing '" + name + "'");
  return v[name];
}

model::Coding coding(const Value& v) { return {str(v, "system"), str(v, "code"), str(v, "display")}; }

std::vector<PathStep> parsePath(const std::string& text, const std::string& file) {
  std::vector<PathStep> out;
  size_t i = 0;
  while (i < text.size()) {
    PathStep s;
    size_t j = i;
    while (j < text.size() && text[j] != '.' && text[j] != '[') ++j;
    s.name = text.substr(i, j - i);
    if (!s.name.empty() && s.name.back() == '*') {
      s.prefix = true;
      s.name.pop_back();
    }
    if (j < text.size() && text[j] == '[') {
      const size_t close = text.find(']', j);
      const size_t eq = text.find('=', j);
      if (close == std::string::npos || eq == std::string::npos || eq > close)
        throw std::runtime_error("ltt: " + file + ": bad path filter in '" + text + "'");
      s.filterKey = text.substr(j + 1, eq - j - 1);
      s.filterValue = text.substr(eq + 1, close - eq - 1);
      j = close + 1;
    }
    if (s.name.empty()) throw std::runtime_error("ltt: " + file + ": empty step in path '" + text + "'");
    out.push_back(std::move(s));
    if (j < text.size() && text[j] == '.') ++j;
    i = j;
  }
  return out;
}

void loadTerminology(const std::string& file, std::map<std::string, ValueSet, std::less<>>& vsOut,
                     std::map<std::string, std::string, std::less<>>& displays, std::vector<UiMapping>& ui) {
  const auto d = readJson(file);
  for (const auto& cs : need(d, "codeSystems", file).GetObject()) {
    const std::string system = cs.name.GetString();
    for (const auto& c : need(cs.value, "concepts", file).GetArray())
      displays[key(system, str(c, "code"))] = str(c, "display");
  }
  for (const auto& vs : need(d, "valueSets", file).GetArray()) {
    ValueSet v;
    v.id = str(vs, "id");
    v.url = str(vs, "url");
    for (const auto& c : need(vs, "expansion", file).GetArray())
      v.displayByKey[key(str(c, "system"), str(c, "code"))] = str(c, "display");
    if (v.id.empty() || v.displayByKey.empty()) throw std::runtime_error("ltt: " + file + ": value set without id/codes");
    vsOut[v.id] = std::move(v);
  }
  for (const auto& m : need(d, "uiTermMapping", file).GetArray())
    ui.push_back({coding(need(m, "uiTerm", file)), coding(need(m, "encounterType", file)),
                  coding(need(m, "deliveryType", file)), coding(need(m, "participantType", file))});
}

int cardinal(const Value& v) {
  if (v.IsInt()) return v.GetInt();
  if (v.IsString() && std::string(v.GetString()) == "*") return -1;
  throw std::runtime_error("ltt: bad cardinality");
}

void loadConstraints(const std::string& file, LttData& self, std::map<std::string, Profile, std::less<>>& out,
                     std::map<std::string, std::pair<std::string, std::string>>& extensions,
                     std::map<std::string, std::set<std::string>>& advice, model::Date& start, int& minAge,
                     int& maxAge) {
  const auto d = readJson(file);
  for (const auto& p : need(d, "profiles", file).GetObject()) {
    Profile prof;
    prof.id = p.name.GetString();
    prof.resourceType = str(p.value, "resourceType");
    for (const auto& c : need(p.value, "constraints", file).GetArray()) {
      const std::string rule = str(c, "rule");
      if (rule.rfind("LTT-", 0) != 0) throw std::runtime_error("ltt: " + file + ": constraint without LTT rule id");
      if (c.HasMember("absent")) {
        for (const auto& a : c["absent"].GetArray()) {
          Constraint k;
          k.rule = rule;
          k.pathText = a.GetString();
          k.path = parsePath(k.pathText, file);
          k.max = 0;
          prof.constraints.push_back(std::move(k));
        }
        continue;
      }
      Constraint k;
      k.rule = rule;
      k.pathText = str(c, "path");
      k.path = parsePath(k.pathText, file);
      if (c.HasMember("min")) k.min = cardinal(c["min"]);
      if (c.HasMember("max")) k.max = cardinal(c["max"]);
      if (c.HasMember("pattern")) {
        const Value& pv = c["pattern"];
        if (pv.IsString()) {
          k.patternString = pv.GetString();
        } else {
          for (const auto& m : pv.GetObject()) k.patternObject[m.name.GetString()] = m.value.GetString();
        }
      }
      k.binding = str(c, "binding");
      k.bindingOnCoding = str(c, "on") == "Coding";
      k.regexText = str(c, "regex");
      if (!k.regexText.empty()) k.regex.emplace(k.regexText);
      k.invariant = str(c, "invariant");
      k.message = str(c, "message");
      if (c.HasMember("maxLength")) k.maxLength = static_cast<size_t>(c["maxLength"].GetInt());
      prof.constraints.push_back(std::move(k));
    }
    prof.indexPaths();
    out[prof.id] = std::move(prof);
  }
  for (const auto& e : need(d, "extensions", file).GetObject())
    extensions[e.name.GetString()] = {str(e.value, "rule"), str(e.value, "value")};
  for (const auto& a : need(d, "statusAdvice", file).GetObject())
    for (const auto& s : a.value.GetArray()) advice[a.name.GetString()].insert(s.GetString());
  const auto s = model::Date::parse(str(need(d, "reportingPeriod", file), "start"));
  if (!s) throw std::runtime_error("ltt: " + file + ": reportingPeriod.start is not a date");
  start = *s;
  const Value& age = need(d, "targetAge", file);
  minAge = need(age, "min", file).GetInt();
  maxAge = need(age, "max", file).GetInt();
  (void)self;
}

}  // namespace

std::string profileUrl(std::string_view id) { return std::string(kSdBase) + std::string(id); }

const std::string* ValueSet::display(std::string_view system, std::string_view code) const {
  auto it = displayByKey.find(key(system, code));
  return it == displayByKey.end() ? nullptr : &it->second;
}


void Profile::indexPaths() {
  std::map<std::tuple<int, std::string, bool, std::string, std::string>, int> ids;
  const auto intern = [&](int parent, const PathStep& st) {
    const auto key = std::make_tuple(parent, st.name, st.prefix, st.filterKey, st.filterValue);
    if (auto it = ids.find(key); it != ids.end()) return it->second;
    nodes.push_back(PathNode{parent, st});
    return ids[key] = static_cast<int>(nodes.size()) - 1;
  };
  for (Constraint& c : constraints) {
    int at = 0;
    for (size_t i = 0; i < c.path.size(); ++i) {
      if (i + 1 == c.path.size()) c.parentNode = at;
      at = intern(at, c.path[i]);
    }
    c.node = at;
  }
}




std::string LttData::dataDir() {
  if (const char* env = std::getenv("REGHUB_DATA_DIR"); env && *env) return env;
  return REGHUB_DATA_DIR_DEFAULT;
}

LttData LttData::load(const std::string& dir) {
  LttData d;
  loadTerminology(dir + "/mapping/ltt/terminology.json", d.valueSets_, d.codeDisplays_, d.ui_);
  loadConstraints(dir + "/profiles/ltt/ltt-constraints.json", d, d.profiles_, d.extensions_, d.statusAdvice_,
                  d.reportingStart_, d.minAge_, d.maxAge_);
  d.core_ = CoreDefs::load(dir + "/profiles/fhir-r4/core.json");
  // Consistency: every bound value set exists, every UI mapping target is in its value set.
  for (const auto& [id, p] : d.profiles_)
    for (const Constraint& c : p.constraints)
      if (!c.binding.empty() && !d.valueSet(c.binding))
        throw std::runtime_error("ltt: profile " + id + " binds unknown value set " + c.binding);
  for (const UiMapping& m : d.ui_) {
    if (!d.requireValueSet(kVsEncounterType).contains(m.encounterType.system, m.encounterType.code) ||
        !d.requireValueSet(kVsDelivery).contains(m.deliveryType.system, m.deliveryType.code) ||
        !d.requireValueSet(kVsParticipant).contains(m.participantType.system, m.participantType.code))
      throw std::runtime_error("ltt: UI mapping for " + m.ui.code + " points outside the LTT value sets");
  }
  for (const char* p : {kProfileReport, kProfileIncremental, kProfileCitizen, kProfileCarePlan, kProfileReferral,
                        kProfileEncounter})
    if (!d.profile(p)) throw std::runtime_error(std::string("ltt: ltt-constraints.json lacks profile ") + p);
  return d;
}

const LttData& LttData::get() {
  static const LttData data = load(dataDir());
  return data;
}

const ValueSet* LttData::valueSet(std::string_view id) const {
  auto it = valueSets_.find(id);
  return it == valueSets_.end() ? nullptr : &it->second;
}

const ValueSet& LttData::requireValueSet(std::string_view id) const {
  const ValueSet* v = valueSet(id);
  if (!v) throw std::runtime_error("ltt: unknown value set " + std::string(id));
  return *v;
}

const Profile* LttData::profile(std::string_view id) const {
  auto it = profiles_.find(id);
  return it == profiles_.end() ? nullptr : &it->second;
}

const UiMapping* LttData::uiMapping(std::string_view system, std::string_view code) const {
  for (const UiMapping& m : ui_)
    if (m.ui.system == system && m.ui.code == code) return &m;
  return nullptr;
}

const std::string* LttData::codeDisplay(std::string_view system, std::string_view code) const {
  auto it = codeDisplays_.find(key(system, code));
  return it == codeDisplays_.end() ? nullptr : &it->second;
}

}  // namespace reghub::ltt
