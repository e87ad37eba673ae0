#include "hub/state/resource_record.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace reghub::state {

std::string toJson(const ResourceRecord& r) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&](const char* k, const std::string& v) {
    w.Key(k);
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  };
  w.StartObject();
  str("type", r.type);
  str("key", r.key);
  str("patient", r.patientKey);
  w.Key("parents");
  w.StartArray();
  for (const auto& p : r.parentKeys) w.String(p.data(), static_cast<rapidjson::SizeType>(p.size()));
  w.EndArray();
  str("org", r.orgKey);
  if (!r.otherOrgKeys.empty()) {  // absent in records written before it existed
    w.Key("orgs");
    w.StartArray();
    for (const auto& o : r.otherOrgKeys) w.String(o.data(), static_cast<rapidjson::SizeType>(o.size()));
    w.EndArray();
  }
  str("cpr", r.cpr);
  str("lastUpdated", r.lastUpdated);
  if (r.versionId) {
    w.Key("versionId");
    w.Int64(*r.versionId);
  }
  w.Key("arrival");
  w.Uint64(r.arrival);
  str("file", r.file);
  w.Key("line");
  w.Int(r.line);
  str("path", r.path);
  str("profile", r.containerProfile);
  str("fullUrl", r.fullUrl);
  str("json", r.json);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::optional<ResourceRecord> recordFromJson(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  auto s = [&](const char* k) {
    const auto it = d.FindMember(k);
    return it != d.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength())
                                                      : std::string();
  };
  ResourceRecord r;
  r.type = s("type");
  r.key = s("key");
  r.patientKey = s("patient");
  if (const auto it = d.FindMember("parents"); it != d.MemberEnd() && it->value.IsArray())
    for (const auto& p : it->value.GetArray())
      if (p.IsString()) r.parentKeys.emplace_back(p.GetString(), p.GetStringLength());
  r.orgKey = s("org");
  if (const auto it = d.FindMember("orgs"); it != d.MemberEnd() && it->value.IsArray())
    for (const auto& o : it->value.GetArray())
      if (o.IsString()) r.otherOrgKeys.emplace_back(o.GetString(), o.GetStringLength());
  r.cpr = s("cpr");
  r.lastUpdated = s("lastUpdated");
  if (const auto it = d.FindMember("versionId"); it != d.MemberEnd() && it->value.IsInt64())
    r.versionId = it->value.GetInt64();
  if (const auto it = d.FindMember("arrival"); it != d.MemberEnd() && it->value.IsUint64())
    r.arrival = it->value.GetUint64();
  r.file = s("file");
  if (const auto it = d.FindMember("line"); it != d.MemberEnd() && it->value.IsInt()) r.line = it->value.GetInt();
  r.path = s("path");
  r.containerProfile = s("profile");
  r.fullUrl = s("fullUrl");
  r.json = s("json");
  return r;
}


}  // namespace reghub::state
