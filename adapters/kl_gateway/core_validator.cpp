#include "adapters/kl_gateway/core_validator.h"

#include <rapidjson/document.h>

#include <cctype>
#include <cstdio>
#include <optional>
#include <map>

#include "hub/model/date.h"
#include "hub/util/json_access.h"

namespace reghub::kl_gateway {

namespace {

using rapidjson::Value;

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
std::optional<bool> fastPrimitiveCheck(PrimitiveDef::Fast kind, std::string_view s) {
  using F = PrimitiveDef::Fast;
  switch (kind) {
    case F::kString:
      if (s.empty()) return false;
      for (char c : s)
        if (c == '\f' || c == '\v') return false;
      return true;
    case F::kUri:
      for (char c : s)
        if (isWs(c)) return false;
      return true;
    case F::kCode:
      if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
      for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == ' ') {
          if (s[i + 1] == ' ') return false;
        } else if (isWs(s[i])) {
          return false;
        }
      }
      return true;
    case F::kId:
      if (s.empty() || s.size() > 64) return false;
      for (char c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
      return true;
    case F::kNone:
      break;
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

std::string Where::path() const {
  std::string out;
  appendTo(out);
  return out;
}

void Where::appendTo(std::string& out) const {
  if (!parent_) {
    out += root_;
    return;
  }
  parent_->appendTo(out);
  if (index_ >= 0) {
    out += '[';
    out += std::to_string(index_);
    out += ']';
    return;
  }
  if (dot_) out += '.';
  out += seg_;
}

bool jsonIdentical(const Value& a, const Value& b) {
  if (a.GetType() != b.GetType()) return false;
  switch (a.GetType()) {
    case rapidjson::kNullType:
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return true;
    case rapidjson::kStringType:
      return a.GetStringLength() == b.GetStringLength() &&
             std::char_traits<char>::compare(a.GetString(), b.GetString(), a.GetStringLength()) == 0;
    case rapidjson::kNumberType:
      // By representation, as the walk sees it (IsInt64, IsNumber): 1 and 1.0 differ.
      if (a.IsInt64() != b.IsInt64() || a.IsUint64() != b.IsUint64() || a.IsDouble() != b.IsDouble()) return false;
      if (a.IsDouble()) return a.GetDouble() == b.GetDouble();
      return a.IsInt64() ? a.GetInt64() == b.GetInt64() : a.GetUint64() == b.GetUint64();
    case rapidjson::kArrayType: {
      if (a.Size() != b.Size()) return false;
      for (rapidjson::SizeType i = 0; i < a.Size(); ++i)
        if (!jsonIdentical(a[i], b[i])) return false;
      return true;
    }
    case rapidjson::kObjectType: {
      if (a.MemberCount() != b.MemberCount()) return false;
      for (auto x = a.MemberBegin(), y = b.MemberBegin(); x != a.MemberEnd(); ++x, ++y)
        if (!jsonIdentical(x->name, y->name) || !jsonIdentical(x->value, y->value)) return false;
      return true;
    }
  }
  return false;
}

bool CleanResources::contains(const Value& r) const {
  for (const Value* s : seen_)
    if (s == &r || jsonIdentical(*s, r)) return true;
  return false;
}

void CoreValidator::validateResource(const Value& r, const diag::Reporter& out) const {
  validateResourceAt(r, Where(out, ""));
}

void CoreValidator::validateResource(const Value& r, const diag::Reporter& out, CleanResources& clean) const {
  validateResourceAt(r, Where(out, "", &clean));
}

void CoreValidator::validateResourceAt(const Value& r, const Where& out) const {
  if (!r.IsObject()) {
    out.error(rules_.structure, "a resource must be a JSON object");
    return;
  }
  const std::string type = str(r, "resourceType");
  if (type.empty()) {
    out.error(rules_.structure, "resource without resourceType");
    return;
  }
  const CoreType* t = defs_.resourceType(type);
  if (!t) return;  // not part of LTT reports; the report rules say so
  validateComplex(r, *t, out);
  resourceInvariants(r, type, out);
}

namespace {

// Element -> occurrences (value or _primitive). A type has a few dozen
// elements at most, so a flat list beats a map.
class Occurrences {
 public:
  int& count(const CoreElement* e) {
    for (auto& p : seen_)
      if (p.first == e) return p.second;
    return seen_.emplace_back(e, 0).second;
  }
  bool has(const CoreElement* e) const {
    for (const auto& p : seen_)
      if (p.first == e) return true;
    return false;
  }

 private:
  std::vector<std::pair<const CoreElement*, int>> seen_;
};

}  // namespace

void CoreValidator::validateComplex(const Value& v, const CoreType& type, const Where& out) const {
  if (type.kind == CoreType::Kind::kOpaque) {
    if (!v.IsObject()) out.error(rules_.structure, "a " + type.name + " must be a JSON object");
    return;
  }
  if (!v.IsObject()) {
    out.error(rules_.structure, "a " + type.name + " must be a JSON object");
    return;
  }
  if (v.MemberCount() == 0 || (v.MemberCount() == 1 && v.HasMember("resourceType"))) {
    out.error(rules_.invariants, "ele-1: element has neither a value nor children; remove it");
    return;
  }
  Occurrences present;
  for (const auto& m : v.GetObject()) {
    const std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (type.isResource && name == "resourceType") continue;
    if (name == "fhir_comments") continue;
    const bool underscore = !name.empty() && name[0] == '_';
    const std::string_view base = underscore ? name.substr(1) : name;
    const CoreTarget* target = nullptr;
    const CoreElement* e = type.find(base, &target);
    const Where at = out.member(name);
    if (!e) {
      if (type.isResource && base == "resourceType") continue;
      at.error(rules_.structure, "unknown element '" + std::string(name) + "' in " + type.name +
                            " (FHIR R4); remove it or check the spelling");
      continue;
    }
    if (underscore) {
      if (!target->primitive) {
        at.error(rules_.structure, "'" + std::string(name) + "' is only allowed for primitive elements");
        continue;
      }
      if (m.value.IsArray()) {
        for (rapidjson::SizeType i = 0; i < m.value.Size(); ++i) validatePrimitiveHolder(m.value[i], name, at.item(i));
      } else {
        validatePrimitiveHolder(m.value, name, at);
      }
      int& seen = present.count(e);
      seen = std::max(seen, 1);
      continue;
    }
    if (e->choice && present.has(e) && present.count(e) > 0)
      at.error(rules_.structure, "more than one type given for choice element " + e->name + "[x]");
    if (e->many) {
      if (!m.value.IsArray()) {
        at.error(rules_.structure, "'" + std::string(name) + "' repeats (0..*) and must be a JSON array");
        continue;
      }
      if (m.value.Empty()) {
        at.error(rules_.invariants, "ele-1: empty array; leave '" + std::string(name) + "' out instead");
        continue;
      }
      present.count(e) = static_cast<int>(m.value.Size());
      for (rapidjson::SizeType i = 0; i < m.value.Size(); ++i) {
        const Where ai = at.item(i);
        if (m.value[i].IsNull())
          ai.error(rules_.structure, "null is not a value; leave the item out");
        else
          validateTarget(m.value[i], *e, *target, ai);
      }
    } else {
      if (m.value.IsArray()) {
        at.error(rules_.structure, "'" + std::string(name) + "' has cardinality 0..1 and must not be an array");
        continue;
      }
      present.count(e) = 1;
      if (m.value.IsNull())
        at.error(rules_.structure, "null is not a value; leave '" + std::string(name) + "' out");
      else
        validateTarget(m.value, *e, *target, at);
    }
  }
  for (const CoreElement& e : type.elements)
    if (e.min > 0 && !present.has(&e))
      out.error(rules_.structure, "required element '" + e.name + (e.choice ? "[x]" : "") + "' is missing in " + type.name +
                             " (FHIR R4 " + std::to_string(e.min) + ".." + (e.many ? "*" : "1") + ")");
  typeInvariants(v, type, out);
}

void CoreValidator::validateTarget(const Value& v, const CoreElement& e, const CoreTarget& t, const Where& out) const {
  if (t.primitive)
    validatePrimitive(v, *t.primitive, e, out);
  else if (t.anyResource)
    validateNested(v, out);
  else if (t.complex)
    validateComplex(v, *t.complex, out);
}

// A resource inside another: skipped when an identical one was found valid
// before, remembered when found valid now.
void CoreValidator::validateNested(const Value& r, const Where& out) const {
  CleanResources* clean = out.clean();
  if (!clean) return validateResourceAt(r, out);
  if (clean->contains(r)) return;
  const size_t before = out.reported();
  validateResourceAt(r, out);
  if (out.reported() == before) clean->remember(r);
}

// Primitive id/extension holder ("_birthDate"): Element with id + extension.
void CoreValidator::validatePrimitiveHolder(const Value& x, std::string_view name, const Where& out) const {
  if (x.IsNull()) return;
  if (!x.IsObject()) {
    out.error(rules_.structure, "'" + std::string(name) + "' must hold an object with id/extension");
    return;
  }
  const auto ext = defs_.graph.find("Extension");
  const CoreType* extension = ext == defs_.graph.end() ? nullptr : &ext->second;
  for (const auto& hm : x.GetObject()) {
    const std::string_view hn(hm.name.GetString(), hm.name.GetStringLength());
    if (hn == "id") continue;
    if (hn == "extension" && hm.value.IsArray()) {
      const Where items = out.member(hn);
      for (rapidjson::SizeType i = 0; i < hm.value.Size(); ++i)
        if (extension) validateComplex(hm.value[i], *extension, items.item(i));
      continue;
    }
    out.member(hn).error(rules_.structure, "unknown element '" + std::string(hn) + "' in a primitive's extension holder");
  }
}

void CoreValidator::typeInvariants(const Value& v, const CoreType& type, const Where& out) const {
  switch (type.kind) {
    case CoreType::Kind::kExtension: {
      bool hasValue = false;
      for (const auto& m : v.GetObject())
        if (std::string_view(m.name.GetString()).rfind("value", 0) == 0) hasValue = true;
      const bool hasExt = v.HasMember("extension");
      if (hasValue == hasExt)
        out.error(rules_.invariants, "ext-1: an extension must have either a value[x] or nested extensions, not both or neither");
      break;
    }
    case CoreType::Kind::kPeriod: {
      const std::string s = str(v, "start"), e = str(v, "end");
      const auto ds = model::DateTime::parse(s), de = model::DateTime::parse(e);
      if (ds && de && *de < *ds) out.error(rules_.invariants, "per-1: period.end (" + e + ") is before period.start (" + s + ")");
      break;
    }
    case CoreType::Kind::kCarePlanActivity:
      if (v.HasMember("detail") && v.HasMember("reference"))
        out.error(rules_.invariants, "cpl-3: a care plan activity has either detail or reference, not both");
      break;
    case CoreType::Kind::kPlain:
    case CoreType::Kind::kOpaque:
      break;
  }
}

void CoreValidator::validatePrimitive(const Value& v, const PrimitiveDef& p, const CoreElement& e,
                                      const Where& out) const {
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
      const std::string_view s(v.GetString(), v.GetStringLength());
      const std::optional<bool> fast = fastPrimitiveCheck(p.fast, s);
      if (fast ? !*fast : (p.regex && !p.regex->matches(std::string(s)))) {
        out.error(rules_.structure, "'" + std::string(s) + "' is not a valid FHIR " + p.name);
        return;
      }
      if (p.calendar && !realCalendarDay(std::string(s))) {
        out.error(rules_.structure, "'" + std::string(s) + "' is not a real calendar date (FHIR " + p.name + ")");
        return;
      }
      if (e.binding && !e.binding->count(std::string(s))) {
        std::string allowed;
        for (const auto& c : *e.binding) allowed += (allowed.empty() ? "" : ", ") + c;
        out.error(rules_.structure, "'" + std::string(s) + "' is not a code of the required binding of " + e.bindingPath + " (" +
                               allowed + ")");
      }
      return;
    }
  }
  if (!ok) out.error(rules_.structure, "wrong JSON type for FHIR " + p.name + (p.json == "string" ? " (expected a string)" : ""));
}

void CoreValidator::resourceInvariants(const Value& r, const std::string& type, const Where& out) const {
  if (const Value* contained = member(r, "contained"); contained && contained->IsArray()) {
    std::vector<std::string> strings;
    collectStrings(r, strings, true);
    const Where containedAt = out.at(".contained");
    for (rapidjson::SizeType i = 0; i < contained->Size(); ++i) {
      const Value& c = (*contained)[i];
      const Where at = containedAt.item(i);
      if (member(c, "contained")) at.error(rules_.invariants, "dom-2: a contained resource must not contain resources");
      if (const Value* meta = member(c, "meta")) {
        if (member(*meta, "versionId") || member(*meta, "lastUpdated"))
          at.error(rules_.invariants, "dom-4: a contained resource must not have meta.versionId or meta.lastUpdated");
        if (member(*meta, "security")) at.error(rules_.invariants, "dom-5: a contained resource must not have a security label");
      }
      if (member(c, "text")) at.error(rules_.invariants, "dom-3/dom-5: a contained resource must not have narrative");
      const std::string ref = "#" + str(c, "id");
      bool referenced = false;
      for (const auto& s : strings)
        if (s == ref) referenced = true;
      if (!referenced) at.error(rules_.invariants, "dom-3: contained resource '" + ref + "' is not referenced from its container");
    }
  }
  if (type == "Bundle") bundleInvariants(r, out);
}

void CoreValidator::bundleInvariants(const Value& b, const Where& out) const {
  const std::string type = str(b, "type");
  if (member(b, "total") && type != "searchset" && type != "history")
    out.at(".total").error(rules_.invariants, "bdl-1: total only when the Bundle is a search set or history");
  if (type == "document") {
    const Value* id = member(b, "identifier");
    if (!id || str(*id, "system").empty() || str(*id, "value").empty())
      out.error(rules_.invariants, "bdl-9: a document must have an identifier with system and value");
    if (!member(b, "timestamp")) out.error(rules_.invariants, "bdl-10: a document must have a timestamp");
  }
  const Value* entries = member(b, "entry");
  if (!entries || !entries->IsArray()) return;
  std::map<std::string, std::vector<std::string>> versionsByFullUrl;
  const Where entryAt = out.at(".entry");
  for (rapidjson::SizeType i = 0; i < entries->Size(); ++i) {
    const Value& e = (*entries)[i];
    const Where at = entryAt.item(i);
    const Value* res = member(e, "resource");
    if (member(e, "search") && type != "searchset")
      at.error(rules_.invariants, "bdl-2: entry.search only when the Bundle is a search set");
    const bool needRequest = type == "batch" || type == "transaction" || type == "history";
    if (needRequest != (member(e, "request") != nullptr))
      at.error(rules_.invariants, needRequest ? "bdl-3: entry.request is mandatory for batch/transaction/history"
                           : "bdl-3: entry.request is only allowed for batch/transaction/history");
    const bool needResponse = type == "batch-response" || type == "transaction-response" || type == "history";
    if (needResponse != (member(e, "response") != nullptr))
      at.error(rules_.invariants, needResponse ? "bdl-4: entry.response is mandatory for batch-response/transaction-response/history"
                            : "bdl-4: entry.response is only allowed for batch-response/transaction-response/history");
    if (!res && !member(e, "request") && !member(e, "response"))
      at.error(rules_.invariants, "bdl-5: an entry must have a resource, a request or a response");
    const std::string fullUrl = str(e, "fullUrl");
    if (!fullUrl.empty()) {
      if (fullUrl.find("/_history/") != std::string::npos)
        at.at(".fullUrl").error(rules_.invariants, "bdl-8: fullUrl must not be version specific (/_history/)");
      std::string version;
      if (res)
        if (const Value* meta = member(*res, "meta")) version = str(*meta, "versionId");
      auto& seen = versionsByFullUrl[fullUrl];
      for (const auto& v : seen)
        if (v == version) {
          at.at(".fullUrl").error(rules_.invariants, "bdl-7: fullUrl '" + fullUrl + "' is used by more than one entry");
          break;
        }
      seen.push_back(version);
    }
    if (i == 0 && res) {
      if (type == "document" && str(*res, "resourceType") != "Composition")
        at.error(rules_.invariants, "bdl-11: a document's first resource must be a Composition");
      if (type == "message" && str(*res, "resourceType") != "MessageHeader")
        at.error(rules_.invariants, "bdl-12: a message's first resource must be a MessageHeader");
    }
  }
}

}  // namespace reghub::kl_gateway
