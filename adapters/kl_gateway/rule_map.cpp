#include "adapters/kl_gateway/rule_map.h"

#include <stdexcept>

#include "adapters/kl_gateway/json_file.h"

namespace reghub::kl_gateway {

namespace {

using rapidjson::Value;

std::string member(const Value& o, const char* k) {
  return o.IsObject() && o.HasMember(k) && o[k].IsString() ? o[k].GetString() : std::string();
}

void requireObject(const Value& root, const char* k, const std::string& file) {
  if (!root.HasMember(k) || !root[k].IsObject()) throw std::runtime_error(file + ": '" + k + "' must be an object");
}

}  // namespace

RuleMap RuleMap::load(const std::string& file, const ProfileSet& profiles, const std::string& igUrlPrefix,
                      const std::string& reportProfileId) {
  RuleMap d;
  d.reportProfileId_ = reportProfileId;
  const rapidjson::Document root = readJsonFile(file);
  if (!root.IsObject()) throw std::runtime_error(file + ": not a JSON object");
  for (const char* k : {"rules", "findings", "elements", "profiles"}) requireObject(root, k, file);
  for (const auto& m : root["rules"].GetObject()) {
    if (!m.value.IsString()) throw std::runtime_error(file + ": rules." + m.name.GetString() + " must be a string");
    d.rules_[m.name.GetString()] = RuleText{m.name.GetString(), m.value.GetString()};
  }
  const auto known = [&](const std::string& id, const std::string& where) {
    if (!d.rules_.count(id)) throw std::runtime_error(file + ": " + where + " names rule '" + id + "', which has no message");
    return id;
  };
  for (const auto& m : root["findings"].GetObject())
    d.byFinding_[m.name.GetString()] = known(m.value.IsString() ? m.value.GetString() : "", "findings");
  for (const auto& p : root["elements"].GetObject()) {
    if (!p.value.IsObject()) throw std::runtime_error(file + ": elements." + p.name.GetString() + " must be an object");
    auto& map = d.byElement_[p.name.GetString()];
    for (const auto& e : p.value.GetObject())
      map[e.name.GetString()] = known(member(p.value, e.name.GetString()), std::string("elements.") + p.name.GetString());
  }
  for (const auto& m : root["profiles"].GetObject())
    d.byProfile_[m.name.GetString()] = known(m.value.IsString() ? m.value.GetString() : "", "profiles");
  for (const auto& [url, profile] : profiles.profiles())
    if (url.rfind(igUrlPrefix, 0) == 0 && profile.extensionUrl.empty() && !d.byProfile_.count(profile.id))
      throw std::runtime_error(file + ": profile " + profile.id + " has no catch-all rule in 'profiles'");
  if (!d.byProfile_.count(reportProfileId))
    throw std::runtime_error(file + ": profile " + reportProfileId + " has no catch-all rule in 'profiles'");
  return d;
}

const RuleText* RuleMap::rule(std::string_view id) const {
  const auto it = rules_.find(id);
  return it == rules_.end() ? nullptr : &it->second;
}

const RuleText& RuleMap::ruleOf(std::string_view finding, std::string_view messageKey, std::string_view profileId,
                                std::string_view typeProfile, std::string_view elementId) const {
  for (const std::string_view k : {finding, messageKey})
    if (const auto f = byFinding_.find(k); !k.empty() && f != byFinding_.end() && f->second != finding)
      return rules_.find(f->second)->second;
  if (const auto f = byFinding_.find(finding); f != byFinding_.end()) return rules_.find(f->second)->second;
  if (const auto p = byElement_.find(profileId); p != byElement_.end()) {
    if (!typeProfile.empty() && typeProfile != profileId)
      if (const auto t = p->second.find("@" + std::string(typeProfile)); t != p->second.end())
        return rules_.find(t->second)->second;
    const std::string* best = nullptr;
    size_t bestLen = 0;
    for (const auto& [element, id] : p->second) {
      const bool prefix = elementId.substr(0, element.size()) == element &&
                          (elementId.size() == element.size() || elementId[element.size()] == '.' ||
                           elementId[element.size()] == ':');
      if (prefix && element.size() >= bestLen) {
        best = &id;
        bestLen = element.size();
      }
    }
    if (best) return rules_.find(*best)->second;
  }
  if (const auto p = byProfile_.find(profileId); p != byProfile_.end()) return rules_.find(p->second)->second;
  return rules_.find(byProfile_.find(reportProfileId_)->second)->second;
}

}  // namespace reghub::kl_gateway
