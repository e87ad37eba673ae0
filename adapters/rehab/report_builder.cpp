#include "adapters/rehab/report_builder.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>
#include <set>

#include "hub/util/hash.h"

namespace reghub::rehab {

namespace {

using rapidjson::Value;
using Alloc = rapidjson::Document::AllocatorType;

constexpr const char* kIdNamespace = "5b0c2e8f-6a1d-5f3e-8c47-2d9e1b7a4c60";

Value sv(const std::string& s, Alloc& a) { return Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a); }

std::string compact(const Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

// Entry order as in the IG's examples: citizen, organisations, conditions, GGOP, forløb, contacts.
int rank(const std::string& type) {
  static const std::map<std::string, int> kRank = {{"Organization", 1}, {"Condition", 2}, {"ServiceRequest", 3},
                                                   {"CarePlan", 4},     {"Encounter", 5}};
  const auto it = kRank.find(type);
  return it == kRank.end() ? 9 : it->second;
}

// The changed resources plus everything they refer to, transitively.
std::vector<const ViewResource*> closure(const RehabView& view, const std::vector<const ViewResource*>& changed) {
  std::set<const ViewResource*> in(changed.begin(), changed.end());
  std::vector<const ViewResource*> todo(changed.begin(), changed.end());
  while (!todo.empty()) {
    const ViewResource* r = todo.back();
    todo.pop_back();
    for (const std::string& ref : r->refs)
      if (const ViewResource* t = view.find(ref); t && t != view.citizen() && in.insert(t).second) todo.push_back(t);
  }
  std::vector<const ViewResource*> out;
  for (int k = 0; k <= 9; ++k)
    for (const ViewResource* r : view.content())
      if (in.count(r) && rank(r->type) == k) out.push_back(r);
  return out;
}

PlannedReport assemble(const RehabView& view, const std::vector<const ViewResource*>& changed, const model::Date& day,
                       const Settings& s) {
  PlannedReport rep;
  rep.day = day;
  rep.entries.push_back(view.citizen());
  for (const ViewResource* r : closure(view, changed)) rep.entries.push_back(r);
  rep.doc = std::make_shared<rapidjson::Document>();
  rapidjson::Document& doc = *rep.doc;
  doc.SetObject();
  Alloc& a = doc.GetAllocator();
  Value entries(rapidjson::kArrayType);
  for (const ViewResource* r : rep.entries) {
    Value e(rapidjson::kObjectType);
    e.AddMember("fullUrl", sv(s.fullUrlBase + "/" + r->type + "/" + r->id, a), a);
    e.AddMember("resource", Value(*r->doc, a), a);
    entries.PushBack(e, a);
  }
  rep.contentHash = util::sha256Hex(compact(entries));
  rep.bundleId = util::uuidV5(kIdNamespace, "DeliveryReport|" + rep.contentHash);
  doc.AddMember("resourceType", "Bundle", a);
  doc.AddMember("id", sv(rep.bundleId, a), a);
  Value meta(rapidjson::kObjectType);
  Value profiles(rapidjson::kArrayType);
  profiles.PushBack(sv(profileUrl(kProfileReport), a), a);
  meta.AddMember("profile", profiles, a);
  doc.AddMember("meta", meta, a);
  doc.AddMember("type", "collection", a);
  doc.AddMember("timestamp", sv(deliveryTimestamp(day), a), a);
  doc.AddMember("entry", entries, a);
  return rep;
}

}  // namespace

std::vector<PlannedReport> buildReports(const RehabView& view, const Settings& s, const engine::RunContext& ctx) {
  std::vector<PlannedReport> out;
  if (!view.isRehab()) return out;
  if (ctx.delta) {  // the delivery store: what is new since the citizen was last rendered, as of today
    std::vector<const ViewResource*> news;
    // An Organization is never news by itself: it goes with what names it
    // (the store does not track its changes per citizen).
    for (const ViewResource* r : view.content())
      if (r->fresh && r->type != "Organization") news.push_back(r);
    if (!news.empty() || view.citizen()->fresh) out.push_back(assemble(view, news, ctx.asOf, s));
    return out;
  }
  // Replay: each resource on its change day; one without a day goes with the first report.
  std::map<model::Date, std::vector<const ViewResource*>> byDay;
  std::vector<const ViewResource*> undated;
  for (const ViewResource* r : view.content()) {
    if (!r->changed) {
      undated.push_back(r);
    } else if (!(ctx.asOf < *r->changed)) {
      byDay[*r->changed].push_back(r);
    }
  }
  if (byDay.empty() && !undated.empty()) byDay[ctx.asOf] = {};
  if (!byDay.empty())
    for (const ViewResource* r : undated) byDay.begin()->second.push_back(r);
  // A change of the citizen alone (e.g. deceased) is news on its day too, once there is § 140 content.
  if (const auto& c = view.citizen()->changed; c && !byDay.empty() && byDay.begin()->first < *c && !(ctx.asOf < *c))
    byDay[*c];
  for (const auto& [day, changed] : byDay) {
    if (s.reportingStart && day < *s.reportingStart) continue;
    if (ctx.since && day < *ctx.since) continue;
    out.push_back(assemble(view, changed, day, s));
  }
  return out;
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

std::string incrementalDelivery(const std::vector<const Value*>& reports, const std::string& timestamp,
                                const std::string& fullUrlBase) {
  rapidjson::Document doc;
  doc.SetObject();
  Alloc& a = doc.GetAllocator();
  std::string ids;
  Value entries(rapidjson::kArrayType);
  for (const Value* r : reports) {
    const std::string id = (*r)["id"].GetString();
    ids += id + ",";
    Value e(rapidjson::kObjectType);
    e.AddMember("fullUrl", sv(fullUrlBase + "/Bundle/" + id, a), a);
    e.AddMember("resource", Value(*r, a), a);
    entries.PushBack(e, a);
  }
  doc.AddMember("resourceType", "Bundle", a);
  doc.AddMember("id", sv(util::uuidV5(kIdNamespace, "IncrementalDelivery|" + ids), a), a);
  Value meta(rapidjson::kObjectType);
  Value profiles(rapidjson::kArrayType);
  profiles.PushBack(sv(profileUrl(kProfileIncremental), a), a);
  meta.AddMember("profile", profiles, a);
  doc.AddMember("meta", meta, a);
  doc.AddMember("type", "collection", a);
  doc.AddMember("timestamp", sv(timestamp, a), a);
  if (!entries.Empty()) doc.AddMember("entry", entries, a);
  return toJson(doc);
}

}  // namespace reghub::rehab
