#include "adapters/kl_gateway/report_assembly.h"

#include <algorithm>
#include <map>
#include <set>

namespace reghub::kl_gateway {

namespace {

// Place of a type among the entries; types the IG does not order go last.
size_t rank(const ReportSpec& spec, const std::string& type) {
  const auto it = std::find(spec.entryOrder.begin(), spec.entryOrder.end(), type);
  return static_cast<size_t>(it - spec.entryOrder.begin());
}

// The changed resources plus everything they refer to, transitively; in the view's order, grouped by type.
std::vector<const ViewResource*> closure(const IgView& view, const ReportSpec& spec,
                                         const std::vector<const ViewResource*>& changed) {
  std::set<const ViewResource*> in(changed.begin(), changed.end());
  std::vector<const ViewResource*> todo(changed.begin(), changed.end());
  while (!todo.empty()) {
    const ViewResource* r = todo.back();
    todo.pop_back();
    for (const std::string& ref : r->refs)
      if (const ViewResource* t = view.find(ref); t && t != view.citizen() && in.insert(t).second) todo.push_back(t);
  }
  std::vector<const ViewResource*> out;
  for (const ViewResource* r : view.content())
    if (in.count(r)) out.push_back(r);
  std::stable_sort(out.begin(), out.end(),
                   [&](const ViewResource* a, const ViewResource* b) { return rank(spec, a->type) < rank(spec, b->type); });
  return out;
}

PlannedReport assemble(const IgView& view, const std::vector<const ViewResource*>& changed, const model::Date& day,
                       const ReportSpec& spec, bool hashed) {
  PlannedReport rep;
  rep.day = day;
  rep.entries.push_back(view.citizen());
  for (const ViewResource* r : closure(view, spec, changed)) rep.entries.push_back(r);
  rep.doc = std::make_shared<rapidjson::Document>();
  rapidjson::Document& doc = *rep.doc;
  auto& a = doc.GetAllocator();
  rapidjson::Value entries(rapidjson::kArrayType);
  for (const ViewResource* r : rep.entries)
    entries.PushBack(reportEntry(spec.shape, r->type, r->id, rapidjson::Value(*r->doc, a), a), a);
  const ReportIds ids = finishReport(doc, std::move(entries), day, spec.shape, hashed);
  rep.bundleId = ids.bundleId;
  rep.contentHash = ids.contentHash;
  return rep;
}

}  // namespace

std::vector<PlannedReport> buildReports(const IgView& view, const ReportSpec& spec, const engine::RunContext& ctx,
                                        bool hashed) {
  std::vector<PlannedReport> out;
  if (view.empty()) return out;
  if (ctx.delta) {  // the delivery store: what is new since the citizen was last rendered, as of today
    std::vector<const ViewResource*> news;
    // An Organization is never news by itself: it goes with what names it
    // (the store does not track its changes per citizen).
    for (const ViewResource* r : view.content())
      if (r->fresh && r->type != "Organization") news.push_back(r);
    if (!news.empty() || view.citizen()->fresh) out.push_back(assemble(view, news, ctx.asOf, spec, hashed));
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
  // A change of the citizen alone (e.g. deceased) is news on its day too, once there is content.
  if (const auto& c = view.citizen()->changed; c && !byDay.empty() && byDay.begin()->first < *c && !(ctx.asOf < *c))
    byDay[*c];
  for (const auto& [day, changed] : byDay) {
    if (spec.reportingStart && day < *spec.reportingStart) continue;
    if (ctx.since && day < *ctx.since) continue;
    out.push_back(assemble(view, changed, day, spec, hashed));
  }
  return out;
}

}  // namespace reghub::kl_gateway
