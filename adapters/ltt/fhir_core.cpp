#include "adapters/ltt/fhir_core.h"

#include <rapidjson/document.h>

#include <cctype>
#include <cstdio>
#include <optional>
#include <map>

#include "hub/model/date.h"
#include "hub/util/json_access.h"

namespace reghub::ltt {

namespace {

using rapidjson::Value;
constexpr const char* kCore01 = "LTT-CORE-01";
constexpr const char* kCore02 = "LTT-CORE-02";

std::string str(const Value& v, const char* name) { return util::jsonString(v, name); }
const Value* member(const Value& v, const char* name) { return util::jsonMember(v, name); }

// A date/time text with a real calendar day (the R4 regexes accept 2026-02-30).
bool realCalendarDay(const std::string& s) {
  if (s.size() < 10) return true;  // year or year-month only
  int y = 0, m = 0, d = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return false;
  return model::Date::fromYmd(y, m, d).has_value();
}

bool isWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// The R4 regexes of the simplest primitives, without std::regex (they are
// checked for every string of every report). nullopt: use the regex.
std::optional<bool> fastPrimitiveCheck(const std::string& type, const std::string& s) {
  if (type == "string" || type == "markdown") {
    if (s.empty()) return false;
    for (char c : s)
      if (c == '\f' || c == '\v') return false;
    return true;
  }
  if (type == "uri" || type == "url" || type == "canonical") {
    for (char c : s)
      if (isWs(c)) return false;
    return true;
  }
  if (type == "code") {
    if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == ' ') {
        if (s[i + 1] == ' ') return false;
      } else if (isWs(s[i])) {
        return false;
      }
    }
    return true;
  }
  if (type == "id") {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
    return true;
  }
  return std::nullopt;
}

// Collects every string value below v (for dom-3 "#id" references).
void collectStrings(const Value& v, std::vector<std::string>& out, bool skipContained) {
  if (v.IsString()) {
    out.emplace_back(v.GetString());
  } else if (v.IsArray()) {
    for (const auto& x : v.GetArray()) collectStrings(x, out, false);
  } else if (v.IsObject()) {
    for (const auto& m : v.GetObject()) {
      if (skipContained && std::string_view(m.name.GetString()) == "contained") continue;
      collectStrings(m.value, out, false);
    }
  }
}

}  // namespace

void CoreValidator::validateResource(const Value& r, const diag::Reporter& out) const {
  validateResourceAt(r, Where(out, ""));
}

void CoreValidator::validateResourceAt(const Value& r, const Where& out) const {
  if (!r.IsObject()) {
    out.error(kCore01, "a resource must be a JSON object");
    return;
  }
  const std::string type = str(r, "resourceType");
  if (type.empty()) {
    out.error(kCore01, "resource without resourceType");
    return;
  }
  if (!defs_.resourceTypes.count(type)) return;  // not part of LTT reports; the report rules say so
  validateComplex(r, type, out);
  resourceInvariants(r, type, out);
}

void CoreValidator::validateComplex(const Value& v, const std::string& typeIn, const Where& out) const {
  std::string type = typeIn;
  if (auto a = defs_.aliases.find(type); a != defs_.aliases.end()) type = a->second;
  if (defs_.opaque.count(type)) {
    if (!v.IsObject()) out.error(kCore01, "a " + type + " must be a JSON object");
    return;
  }
  if (type == "Resource") {
    validateResourceAt(v, out);
    return;
  }
  auto t = defs_.types.find(type);
  if (t == defs_.types.end()) return;
  if (!v.IsObject()) {
    out.error(kCore01, "a " + type + " must be a JSON object");
    return;
  }
  if (v.MemberCount() == 0 || (v.MemberCount() == 1 && v.HasMember("resourceType"))) {
    out.error(kCore02, "ele-1: element has neither a value nor children; remove it");
    return;
  }
  const bool isResource = defs_.resourceTypes.count(type) > 0;
  // Element -> occurrences (value or _primitive). A type has a few dozen
  // elements at most, so a flat list beats a map of strings.
  std::vector<std::pair<const ElementDef*, int>> present;
  auto count = [&present](const ElementDef* d) -> int& {
    for (auto& p : present)
      if (p.first == d) return p.second;
    return present.emplace_back(d, 0).second;
  };
  auto has = [&present](const ElementDef* d) {
    for (const auto& p : present)
      if (p.first == d) return true;
    return false;
  };
  for (const auto& m : v.GetObject()) {
    std::string name = m.name.GetString();
    if (isResource && name == "resourceType") continue;
    if (name == "fhir_comments") continue;
    const bool underscore = !name.empty() && name[0] == '_';
    const std::string base = underscore ? name.substr(1) : name;
    std::string choiceType;
    const ElementDef* def = defs_.find(type, base, &choiceType);
    const Where at = out.at("." + name);
    if (!def) {
      if (isResource && base == "resourceType") continue;
      at.error(kCore01, "unknown element '" + name + "' in " + type + " (FHIR R4); remove it or check the spelling");
      continue;
    }
    const std::string elemType = def->choice ? choiceType : def->types.front();
    const bool primitive = defs_.primitives.count(elemType) > 0;
    const std::string defPath = primitive ? type + "." + def->name : std::string();  // binding key
    if (underscore) {
      if (!primitive) {
        at.error(kCore01, "'" + name + "' is only allowed for primitive elements");
        continue;
      }
      // Primitive id/extension holder: Element with id + extension.
      auto holder = [&](const Value& x, const Where& r) {
        if (x.IsNull()) return;
        if (!x.IsObject()) {
          r.error(kCore01, "'" + name + "' must hold an object with id/extension");
          return;
        }
        for (const auto& hm : x.GetObject()) {
          const std::string hn = hm.name.GetString();
          if (hn == "id") continue;
          if (hn == "extension" && hm.value.IsArray()) {
            for (rapidjson::SizeType i = 0; i < hm.value.Size(); ++i)
              validateComplex(hm.value[i], "Extension", r.at(".extension[" + std::to_string(i) + "]"));
            continue;
          }
          r.at("." + hn).error(kCore01, "unknown element '" + hn + "' in a primitive's extension holder");
        }
      };
      if (m.value.IsArray()) {
        for (rapidjson::SizeType i = 0; i < m.value.Size(); ++i) holder(m.value[i], at.at("[" + std::to_string(i) + "]"));
      } else {
        holder(m.value, at);
      }
      int& seen = count(def);
      seen = std::max(seen, 1);
      continue;
    }
    if (def->choice) {
      if (has(def) && count(def) > 0 && !underscore) {
        at.error(kCore01, "more than one type given for choice element " + def->name + "[x]");
      }
    }
    if (def->many) {
      if (!m.value.IsArray()) {
        at.error(kCore01, "'" + name + "' repeats (0..*) and must be a JSON array");
        continue;
      }
      if (m.value.Empty()) {
        at.error(kCore02, "ele-1: empty array; leave '" + name + "' out instead");
        continue;
      }
      count(def) = static_cast<int>(m.value.Size());
      for (rapidjson::SizeType i = 0; i < m.value.Size(); ++i) {
        const Where ai = at.at("[" + std::to_string(i) + "]");
        if (m.value[i].IsNull()) {
          ai.error(kCore01, "null is not a value; leave the item out");
          continue;
        }
        if (primitive)
          validatePrimitive(m.value[i], elemType, defPath, ai);
        else
          validateComplex(m.value[i], elemType, ai);
      }
    } else {
      if (m.value.IsArray()) {
        at.error(kCore01, "'" + name + "' has cardinality 0..1 and must not be an array");
        continue;
      }
      count(def) = 1;
      if (m.value.IsNull()) {
        at.error(kCore01, "null is not a value; leave '" + name + "' out");
      } else if (primitive) {
        validatePrimitive(m.value, elemType, defPath, at);
      } else {
        validateComplex(m.value, elemType, at);
      }
    }
  }
  for (const ElementDef& e : t->second)
    if (e.min > 0 && !has(&e))
      out.error(kCore01, "required element '" + e.name + (e.choice ? "[x]" : "") + "' is missing in " + type + " (FHIR R4 " +
                    std::to_string(e.min) + ".." + (e.many ? "*" : "1") + ")");

  // Data-type invariants.
  if (type == "Extension") {
    bool hasValue = false;
    for (const auto& m : v.GetObject())
      if (std::string_view(m.name.GetString()).rfind("value", 0) == 0) hasValue = true;
    const bool hasExt = v.HasMember("extension");
    if (hasValue == hasExt)
      out.error(kCore02, "ext-1: an extension must have either a value[x] or nested extensions, not both or neither");
  } else if (type == "Period") {
    const std::string s = str(v, "start"), e = str(v, "end");
    const auto ds = model::DateTime::parse(s), de = model::DateTime::parse(e);
    if (ds && de && *de < *ds) out.error(kCore02, "per-1: period.end (" + e + ") is before period.start (" + s + ")");
  } else if (type == "CarePlan.activity") {
    if (v.HasMember("detail") && v.HasMember("reference"))
      out.error(kCore02, "cpl-3: a care plan activity has either detail or reference, not both");
  }
}

void CoreValidator::validatePrimitive(const Value& v, const std::string& type, const std::string& bindingPath,
                                      const Where& out) const {
  const PrimitiveDef& p = defs_.primitives.at(type);
  bool ok = true;
  if (p.json == "boolean") {
    ok = v.IsBool();
  } else if (p.json == "integer") {
    ok = v.IsInt64() && (!p.min || v.GetInt64() >= *p.min) && v.GetInt64() <= 2147483647;
  } else if (p.json == "number") {
    ok = v.IsNumber();
  } else {
    ok = v.IsString();
    if (ok) {
      const std::string s(v.GetString(), v.GetStringLength());
      const std::optional<bool> fast = fastPrimitiveCheck(type, s);
      if (fast ? !*fast : (p.regex && !p.regex->matches(s))) {
        out.error(kCore01, "'" + s + "' is not a valid FHIR " + type);
        return;
      }
      if (p.calendar && !realCalendarDay(s)) {
        out.error(kCore01, "'" + s + "' is not a real calendar date (FHIR " + type + ")");
        return;
      }
      if (auto b = defs_.bindings.find(bindingPath); b != defs_.bindings.end() && !b->second.count(s)) {
        std::string allowed;
        for (const auto& c : b->second) allowed += (allowed.empty() ? "" : ", ") + c;
        out.error(kCore01, "'" + s + "' is not a code of the required binding of " + bindingPath + " (" + allowed + ")");
      }
      return;
    }
  }
  if (!ok)
    out.error(kCore01, "wrong JSON type for FHIR " + type + (p.json == "string" ? " (expected a string)" : ""));
}

void CoreValidator::resourceInvariants(const Value& r, const std::string& type, const Where& out) const {
  if (const Value* contained = member(r, "contained"); contained && contained->IsArray()) {
    std::vector<std::string> strings;
    collectStrings(r, strings, true);
    for (rapidjson::SizeType i = 0; i < contained->Size(); ++i) {
      const Value& c = (*contained)[i];
      const Where at = out.at(".contained[" + std::to_string(i) + "]");
      if (member(c, "contained")) at.error(kCore02, "dom-2: a contained resource must not contain resources");
      if (const Value* meta = member(c, "meta")) {
        if (member(*meta, "versionId") || member(*meta, "lastUpdated"))
          at.error(kCore02, "dom-4: a contained resource must not have meta.versionId or meta.lastUpdated");
        if (member(*meta, "security")) at.error(kCore02, "dom-5: a contained resource must not have a security label");
      }
      if (member(c, "text")) at.error(kCore02, "dom-3/dom-5: a contained resource must not have narrative");
      const std::string ref = "#" + str(c, "id");
      bool referenced = false;
      for (const auto& s : strings)
        if (s == ref) referenced = true;
      if (!referenced) at.error(kCore02, "dom-3: contained resource '" + ref + "' is not referenced from its container");
    }
  }
  if (type == "Bundle") bundleInvariants(r, out);
}

void CoreValidator::bundleInvariants(const Value& b, const Where& out) const {
  const std::string type = str(b, "type");
  if (member(b, "total") && type != "searchset" && type != "history")
    out.at(".total").error(kCore02, "bdl-1: total only when the Bundle is a search set or history");
  if (type == "document") {
    const Value* id = member(b, "identifier");
    if (!id || str(*id, "system").empty() || str(*id, "value").empty())
      out.error(kCore02, "bdl-9: a document must have an identifier with system and value");
    if (!member(b, "timestamp")) out.error(kCore02, "bdl-10: a document must have a timestamp");
  }
  const Value* entries = member(b, "entry");
  if (!entries || !entries->IsArray()) return;
  std::map<std::string, std::vector<std::string>> versionsByFullUrl;
  for (rapidjson::SizeType i = 0; i < entries->Size(); ++i) {
    const Value& e = (*entries)[i];
    const Where at = out.at(".entry[" + std::to_string(i) + "]");
    const Value* res = member(e, "resource");
    if (member(e, "search") && type != "searchset")
      at.error(kCore02, "bdl-2: entry.search only when the Bundle is a search set");
    const bool needRequest = type == "batch" || type == "transaction" || type == "history";
    if (needRequest != (member(e, "request") != nullptr))
      at.error(kCore02, needRequest ? "bdl-3: entry.request is mandatory for batch/transaction/history"
                           : "bdl-3: entry.request is only allowed for batch/transaction/history");
    const bool needResponse = type == "batch-response" || type == "transaction-response" || type == "history";
    if (needResponse != (member(e, "response") != nullptr))
      at.error(kCore02, needResponse ? "bdl-4: entry.response is mandatory for batch-response/transaction-response/history"
                            : "bdl-4: entry.response is only allowed for batch-response/transaction-response/history");
    if (!res && !member(e, "request") && !member(e, "response"))
      at.error(kCore02, "bdl-5: an entry must have a resource, a request or a response");
    const std::string fullUrl = str(e, "fullUrl");
    if (!fullUrl.empty()) {
      if (fullUrl.find("/_history/") != std::string::npos)
        at.at(".fullUrl").error(kCore02, "bdl-8: fullUrl must not be version specific (/_history/)");
      std::string version;
      if (res)
        if (const Value* meta = member(*res, "meta")) version = str(*meta, "versionId");
      auto& seen = versionsByFullUrl[fullUrl];
      for (const auto& v : seen)
        if (v == version) {
          at.at(".fullUrl").error(kCore02, "bdl-7: fullUrl '" + fullUrl + "' is used by more than one entry");
          break;
        }
      seen.push_back(version);
    }
    if (i == 0 && res) {
      if (type == "document" && str(*res, "resourceType") != "Composition")
        at.error(kCore02, "bdl-11: a document's first resource must be a Composition");
      if (type == "message" && str(*res, "resourceType") != "MessageHeader")
        at.error(kCore02, "bdl-12: a message's first resource must be a MessageHeader");
    }
  }
}

}  // namespace reghub::ltt
