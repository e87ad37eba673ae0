#include "hub/app/registry_sync.h"

#include <set>
#include <sstream>

namespace reghub::app {

namespace {

// The mirror as the sync's sink for one registry; collects the citizens it touched.
class MirrorSink final : public engine::RegistryStateSink {
 public:
  MirrorSink(store::RegistryMirror& mirror, std::string registry) : mirror_(mirror), registry_(std::move(registry)) {}
  engine::SyncCounts replace(const std::string& kommune, const std::vector<engine::RegistryRecord>& records) override {
    return mirror_.replace(registry_, kommune, records, store::nowMillis(), &touched);
  }
  void replaceList(const std::string& name, const std::vector<std::pair<std::string, std::string>>& entries) override {
    mirror_.replaceList(registry_, name, entries, store::nowMillis());
  }
  int64_t listFetchedAt(const std::string& name) override {
    const auto l = mirror_.list(registry_, name);
    return l ? l->fetchedAt : 0;
  }
  std::set<std::string> touched;

 private:
  store::RegistryMirror& mirror_;
  std::string registry_;
};

std::vector<std::string> kommunerFor(const engine::Adapter& a, store::DeliveryStore& store) {
  std::set<std::string> k;
  for (const store::StateCount& c : store.counts(std::string(a.name())))
    if (!c.kommune.empty()) k.insert(c.kommune);
  for (const std::string& s : a.syncKommuner()) k.insert(s);
  return {k.begin(), k.end()};
}

}  // namespace

bool SyncRun::ok() const {
  for (const Kommune& k : kommuner)
    if (!k.result.error.empty()) return false;
  return true;
}

SyncRun syncRegistries(const Adapters& adapters, store::DeliveryStore& store, api::Intake& intake,
                       const std::string& registry, const std::vector<std::string>& kommuner) {
  SyncRun run;
  std::set<std::string> touched;
  for (const auto& a : adapters) {
    if (!registry.empty() && a->name() != registry) continue;
    auto sync = a->makeSync();
    if (!sync) {  // no read service, or delivery not configured
      if (!registry.empty()) run.notConfigured.emplace_back(a->name());
      continue;
    }
    MirrorSink sink(intake.mirror(), std::string(a->name()));
    for (auto& r : sync->sync(kommuner.empty() ? kommunerFor(*a, store) : kommuner, sink))
      run.kommuner.push_back({std::string(a->name()), std::move(r)});
    run.tasksClosed += intake.mirror().closeDoneTasks(std::string(a->name()), store::nowMillis());
    touched.insert(sink.touched.begin(), sink.touched.end());
  }
  run.citizensMarked = intake.markDirty(touched);
  return run;
}

std::string describe(const SyncRun& run) {
  std::ostringstream out;
  for (const SyncRun::Kommune& k : run.kommuner) {
    out << k.registry << " " << k.result.kommune << ": ";
    if (k.result.referenceList) {
      out << (k.result.error.empty()
                  ? (k.result.counts.seen ? std::to_string(k.result.counts.seen) + " entries (kept a day)"
                                          : std::string("an empty list (none kept)"))
                  : "not read — " + k.result.error + " (the list held is kept)")
          << "\n";
      continue;
    }
    if (!k.result.error.empty()) {
      out << "not read — " << k.result.error << " (what was held is kept)\n";
      continue;
    }
    const auto& c = k.result.counts;
    out << c.seen << " records (" << c.added << " new, " << c.changed << " changed, " << c.gone << " gone; "
        << c.foreign << " not sent by the hub)\n";
  }
  for (const std::string& r : run.notConfigured)
    out << r << ": nothing read (no read service, or not configured for delivery)\n";
  if (run.tasksClosed) out << run.tasksClosed << " manual task(s) found done and closed\n";
  if (run.citizensMarked) out << run.citizensMarked << " citizen(s) to render again\n";
  return out.str();
}

}  // namespace reghub::app
