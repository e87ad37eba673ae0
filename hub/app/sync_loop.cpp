#include "hub/app/sync_loop.h"

#include <chrono>

#include "hub/app/registry_sync.h"

namespace reghub::app {

SyncLoop::SyncLoop(const Adapters& adapters, store::DeliveryStore& store, api::Intake& intake, int64_t intervalMillis,
                   std::function<void(const std::string&)> log)
    : adapters_(adapters), store_(store), intake_(intake), intervalMillis_(intervalMillis), log_(std::move(log)) {}

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
      if (!r.kommuner.empty()) log_("sync: " + describe(r));
      if (r.citizensMarked) intake_.renderDirty("sync");
    } catch (const std::exception& e) {
      log_(std::string("sync failed (tried again in sync.intervalMinutes): ") + store::maskDigitRuns(e.what()));
    }
    std::unique_lock lock(mu_);
    ++rounds_;
    if (wake_.wait_for(lock, std::chrono::milliseconds(intervalMillis_), [this] { return stopping_; })) return;
  }
}

}  // namespace reghub::app
