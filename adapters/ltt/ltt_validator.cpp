#include "adapters/ltt/ltt_validator.h"

#include <rapidjson/document.h>

#include "adapters/kl_gateway/json_file.h"
#include "hub/util/json_access.h"

namespace reghub::ltt {

namespace {

using rapidjson::Value;

const Value* member(const Value& obj, const std::string& name) {
  if (!obj.IsObject()) return nullptr;
  const auto it = obj.FindMember(name.c_str());
  return it == obj.MemberEnd() ? nullptr : &it->value;
}
const char* text(const Value& obj, const std::string& name) {
  const Value* v = member(obj, name);
  return v && v->IsString() ? v->GetString() : nullptr;
}

// The validator's message starts with the profile it judged by: "klgateway-ltt-citizen: …".
std::string messageProfile(const std::string& message) {
  const auto colon = message.find(": ");
  return colon == std::string::npos || message.find(' ') < colon ? std::string() : message.substr(0, colon);
}

// The element a cardinality finding counts, as LTT's paths name it: the
// ProfileValidator reports it at the parent instance, LTT at ".<element>".
std::string countedElement(const std::string& elementId) {
  std::string last = elementId.substr(elementId.rfind('.') + 1);
  return "." + last.substr(0, last.find(':'));
}

// The required bindings of the LTT profiles, for LTT-TERM-01.
Bindings bindingsOf(const kl_gateway::ProfileSet& set) {
  Bindings out;
  for (const auto& [url, p] : set.profiles()) {
    if (!p.resource) continue;
    for (const kl_gateway::ElementRule& r : p.elements) {
      if (r.binding.empty()) continue;
      BoundElement b{{}, r.binding.substr(r.binding.rfind('/') + 1)};
      for (const kl_gateway::Step& s : r.steps) b.steps.push_back(s.name + (s.choice ? "[x]" : ""));
      out[p.id].push_back(std::move(b));
    }
  }
  return out;
}

}  // namespace

struct ProfileRuleMap::Data {
  rapidjson::Document doc;
};

ProfileRuleMap::ProfileRuleMap(const std::string& file) : data_(std::make_unique<Data>()) {
  data_->doc = kl_gateway::readJsonFile(file);
  for (const char* key : {"findings", "kinds", "elements", "profiles"})
    if (!member(data_->doc, key) || !member(data_->doc, key)->IsObject())
      throw std::runtime_error(file + ": no \"" + std::string(key) + "\" object");
}

ProfileRuleMap::~ProfileRuleMap() = default;

std::string ProfileRuleMap::ruleOf(const diag::Diagnostic& d) const {
  const Value& doc = data_->doc;
  const std::string profile = messageProfile(d.message);
  if (const char* f = text(doc["findings"], d.rule)) return f;
  if (const Value* kinds = member(doc["kinds"], d.rule))
    if (const char* k = text(*kinds, profile)) return k;
  if (const Value* elements = member(doc["elements"], profile)) {
    size_t best = 0;
    const char* rule = nullptr;
    for (const auto& e : elements->GetObject()) {
      const std::string_view id(e.name.GetString(), e.name.GetStringLength());
      const bool prefix = d.field.compare(0, id.size(), id) == 0 &&
                          (d.field.size() == id.size() || d.field[id.size()] == '.' || d.field[id.size()] == ':');
      if (prefix && id.size() >= best && e.value.IsString()) {
        best = id.size();
        rule = e.value.GetString();
      }
    }
    if (rule) return rule;
  }
  if (const char* p = text(doc["profiles"], profile)) return p;
  return d.rule + "(unmapped)";
}

const LttValidator& LttValidator::get() {
  static const LttValidator v(LttData::dataDir());
  return v;
}

LttValidator::LttValidator(const std::string& dir)
    : profiles_(kl_gateway::ProfileSet::load({dir + "/profiles/ltt/ig", dir + "/profiles/ltt/parents"},
                                             dir + "/mapping/ltt/terminology.json", dir + "/profiles/fhir-r4/core.json"),
                kCoreRules, kl_gateway::ReportingOptions{true}),
      rules_(dir + "/profiles/ltt/rules.json"),
      reportRules_(LttData::get(), bindingsOf(profiles_.profiles())) {}

void LttValidator::checkProfiles(const Value& doc, const diag::Reporter& out, const EntryReporter& entryReporter,
                                 kl_gateway::CleanResources* memo) const {
  diag::Collector found;
  if (memo)
    profiles_.validate(doc, diag::Reporter(found, "ltt"), *memo);
  else
    profiles_.validate(doc, diag::Reporter(found, "ltt"));
  if (found.diagnostics().empty()) return;
  // Its paths start at the resource ("Bundle/<id>"); LTT's at `out`.
  const std::string root = util::jsonString(doc, "resourceType") + "/" + util::jsonString(doc, "id");
  for (const diag::Diagnostic& d : found.diagnostics()) {
    std::string path = d.path.compare(0, root.size(), root) == 0 ? d.path.substr(root.size()) : d.path;
    if (d.rule == kl_gateway::kRuleCardinality) path += countedElement(d.field);
    diag::Reporter at = out;
    if (path.rfind(".entry[", 0) == 0) {
      const size_t close = path.find(']');
      const size_t i = std::stoul(path.substr(7, close - 7));
      const diag::Reporter entry = out.at(path.substr(0, close + 1));
      at = entryReporter ? entryReporter(i, entry) : entry;
      path = path.substr(close + 1);
    }
    at.at(path).report(d.severity, ruleMap().ruleOf(d), d.field, d.message);
  }
}

void LttValidator::validateReport(const Value& b, const IgOptions& opt, const diag::Reporter& outIn,
                                  const EntryReporter& entryReporter, kl_gateway::CleanResources* memo) const {
  const std::string citizen = outIn.citizen().empty() ? maskedCitizen(b) : std::string();
  const diag::Reporter out = citizen.empty() ? outIn : outIn.withCitizen(citizen);
  checkProfiles(b, out, entryReporter, memo);
  reportRules_.checkReport(b, opt, out, entryReporter);
}

void LttValidator::validateDocument(const Value& doc, const IgOptions& opt, const diag::Reporter& out) const {
  switch (klBundleKind(doc)) {
    case KlBundleKind::kDeliveryReport:
      validateReport(doc, opt, out);
      break;
    case KlBundleKind::kIncrementalDelivery: {
      // Each report's diagnostics name its citizen (masked).
      const EntryReporter citizenOf = [&doc](size_t i, const diag::Reporter& r) {
        const Value* entries = util::jsonMember(doc, "entry");
        const Value* res = entries && entries->IsArray() && i < entries->Size()
                               ? util::jsonMember((*entries)[static_cast<rapidjson::SizeType>(i)], "resource")
                               : nullptr;
        const std::string c = res ? maskedCitizen(*res) : std::string();
        return c.empty() ? r : r.withCitizen(c);
      };
      checkProfiles(doc, out, citizenOf);
      reportRules_.checkIncremental(doc, opt, out);
      break;
    }
    case KlBundleKind::kNone:
      out.error("LTT-DR-05", "",
                "not a KL LTT bundle: expected a Bundle with meta.profile " + profileUrl(kProfileReport) + " or " +
                    profileUrl(kProfileIncremental));
      break;
  }
}

}  // namespace reghub::ltt
