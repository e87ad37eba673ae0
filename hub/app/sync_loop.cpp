#include "hub/app/sync_loop.h"

#include <chrono>

#include "hub/app/registry_sync.h"
#include "hub/log/log.h"

namespace reghub::app {

SyncLoop::SyncLoop(const Adapters& adapters, store::DeliveryStore& store, api::Intake& intake, int64_t intervalMillis)
    : adapters_(adapters), store_(store), intake_(intake), intervalMillis_(intervalMillis) {}

namespace {
void logRun(const SyncRun& r) {
  for (const SyncRun::Kommune& k : r.kommuner) {
    const auto& c = k.result.counts;
    if (!k.result.error.empty())
      log::warning("registry sync failed; what was held is kept",
                   {{"registry", k.registry}, {"kommune", k.result.kommune}, {"reason", k.result.error}});
    else
      log::info("registry sync", {{"registry", k.registry},
                                  {"kommune", k.result.kommune},
                                  {"records", c.seen},
                                  {"added", c.added},
                                  {"changed", c.changed},
                                  {"gone", c.gone},
                                  {"notSentByTheHub", c.foreign}});
  }
  if (r.tasksClosed || r.citizensMarked)
    log::info("registry sync done", {{"tasksClosed", r.tasksClosed}, {"citizensToRender", r.citizensMarked}});
}
}  // namespace

SyncLoop::~SyncLoop() { stop(); }

void SyncLoop::start() {
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void SyncLoop::stop() noexcept {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t SyncLoop::rounds() const {
  std::lock_guard lock(mu_);
  return rounds_;
}

void SyncLoop::run() {
  for (;;) {
    try {
      const SyncRun r = syncRegistries(adapters_, store_, intake_);
      logRun(r);
      if (r.citizensMarked) intake_.renderDirty("sync");
    } catch (const std::exception& e) {
      log::error("registry sync failed; tried again after sync.intervalMinutes", {{"reason", e.what()}});
    }
    std::unique_lock lock(mu_);
    ++rounds_;
    if (wake_.wait_for(lock, std::chrono::milliseconds(intervalMillis_), [this] { return stopping_; })) return;
  }
}

}  // namespace reghub::app
