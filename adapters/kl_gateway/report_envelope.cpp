#include "adapters/kl_gateway/report_envelope.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>

#include "hub/util/hash.h"

namespace reghub::kl_gateway {

namespace {

using rapidjson::Value;
using Alloc = rapidjson::Document::AllocatorType;

Value sv(const std::string& s, Alloc& a) { return Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a); }

Value metaProfile(const std::string& url, Alloc& a) {
  Value m(rapidjson::kObjectType);
  Value arr(rapidjson::kArrayType);
  arr.PushBack(sv(url, a), a);
  m.AddMember("profile", arr, a);
  return m;
}

// sha256 of `prefix` followed by the compact JSON of `v`, hashed straight from the writer's buffer.
std::string compactHash(std::string_view prefix, const Value& v) {
  rapidjson::StringBuffer sb;
  for (char c : prefix) sb.Put(c);
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return util::sha256Hex(std::string_view(sb.GetString(), sb.GetSize()));
}

// resourceType, id, meta.profile, type collection, timestamp: a KL Bundle's head, in the IGs' order.
void bundleHead(rapidjson::Document& doc, const std::string& id, const std::string& profileUrl,
                const std::string& timestamp) {
  Alloc& a = doc.GetAllocator();
  doc.SetObject();
  doc.AddMember("resourceType", "Bundle", a);
  doc.AddMember("id", sv(id, a), a);
  doc.AddMember("meta", metaProfile(profileUrl, a), a);
  doc.AddMember("type", "collection", a);
  doc.AddMember("timestamp", sv(timestamp, a), a);
}

}  // namespace

bool isUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !std::isdigit(static_cast<unsigned char>(s[i])) && (s[i] < 'a' || s[i] > 'f')) return false;
  }
  return true;
}

std::string stableId(const std::string& idNamespace, const std::string& sor, const std::string& type,
                     const std::string& id) {
  if (isUuid(id)) return id;
  return util::uuidV5(idNamespace, sor + "|" + type + "/" + id);
}

std::string toJson(const Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(sb);
  w.SetIndent(' ', 2);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize()) + "\n";
}

std::string deliveryTimestamp(const model::Date& d) {
  const int64_t local = static_cast<int64_t>(d.days()) * 86400 + 86399;
  const int off = model::copenhagenOffsetSeconds(local - 3600);
  return model::DateTime::fromEpochSeconds(local - off).isoUtc();
}

Value reportEntry(const ReportShape& shape, const std::string& type, const std::string& id, Value&& resource,
                  Alloc& a) {
  Value e(rapidjson::kObjectType);
  e.AddMember("fullUrl", sv(shape.fullUrlBase + "/" + type + "/" + id, a), a);
  e.AddMember("resource", resource, a);
  return e;
}

ReportIds contentIds(const Value& entries, const ReportShape& shape) {
  ReportIds ids;
  ids.contentHash = compactHash(shape.hashPrefix, entries);
  ids.bundleId = util::uuidV5(shape.idNamespace, "DeliveryReport|" + ids.contentHash);
  return ids;
}

ReportIds finishReport(rapidjson::Document& doc, Value&& entries, const model::Date& day, const ReportShape& shape,
                       bool hashed, const char* placeholderId) {
  ReportIds ids;
  if (hashed)
    ids = contentIds(entries, shape);
  else
    ids.bundleId = placeholderId;
  bundleHead(doc, ids.bundleId, shape.reportProfileUrl, deliveryTimestamp(day));
  doc.AddMember("entry", entries, doc.GetAllocator());
  return ids;
}

std::string incrementalDelivery(const std::vector<std::pair<std::string, const Value*>>& reports,
                                const std::string& timestamp, const ReportShape& shape) {
  rapidjson::Document doc;
  Alloc& a = doc.GetAllocator();
  std::string ids;
  for (const auto& [id, report] : reports) ids += id + ",";
  bundleHead(doc, util::uuidV5(shape.idNamespace, "IncrementalDelivery|" + ids), shape.incrementalProfileUrl, timestamp);
  Value entries(rapidjson::kArrayType);
  for (const auto& [id, report] : reports) {
    Value e(rapidjson::kObjectType);
    e.AddMember("fullUrl", sv(shape.fullUrlBase + "/Bundle/" + id, a), a);
    e.AddMember("resource", Value(*report, a), a);
    entries.PushBack(e, a);
  }
  if (!entries.Empty()) doc.AddMember("entry", entries, a);
  return toJson(doc);
}

}  // namespace reghub::kl_gateway
