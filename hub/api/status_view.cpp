#include "hub/api/status_view.h"

#include <algorithm>
#include <set>

#include "hub/api/intake.h"

namespace reghub::api {

std::vector<store::RejectionGroup> mergedGroups(std::vector<store::RejectionGroup> groups) {
  std::vector<store::RejectionGroup> out;
  for (auto& g : groups) {
    auto same = std::find_if(out.begin(), out.end(), [&](const auto& o) {
      return o.registry == g.registry && o.source == g.source && o.rule == g.rule && o.severity == g.severity;
    });
    if (same == out.end())
      out.push_back(std::move(g));
    else
      same->count += g.count;
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.count > b.count; });
  return out;
}

std::optional<StatusView> readStatusView(store::DeliveryStore& store, Intake& intake, const ApiClient& client,
                                         const std::string& registry, const std::string& kommune) {
  if (!kommune.empty() && !client.covers(kommune)) return std::nullopt;
  StatusView v;
  if (kommune.empty() && !client.scoped()) {
    v.counts = store.counts(registry);
    v.rejections = store.rejections(registry);
    v.parked = intake.parked(store::nowMillis());
    v.failedIngests = store.failedIngests();
    return v;
  }
  // One kommune, or a scoped client's kommuner: what can be told to be theirs.
  const std::set<std::string> kommuner = kommune.empty() ? client.kommuner : std::set<std::string>{kommune};
  std::vector<store::RejectionGroup> groups;
  for (const auto& k : kommuner) {
    for (auto& n : store.counts(registry, k)) v.counts.push_back(std::move(n));
    for (auto& g : store.rejectionsIn(registry, k)) groups.push_back(std::move(g));
  }
  v.rejections = mergedGroups(std::move(groups));
  if (client.scoped()) {
    for (auto& g : store.validationProblemsOf(registry, client.name)) v.rejections.push_back(std::move(g));
    v.failedIngests = store.failedIngests(client.name);
  }
  // Parked resources wait for a Patient: no kommune can be told yet.
  return v;
}

}  // namespace reghub::api
