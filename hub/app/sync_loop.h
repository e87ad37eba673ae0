#pragma once
// The service's sync (issue #12): in a process that delivers, every
// registry that can be read is synced at start and then every
// sync.intervalMinutes (registry_sync.h), and the citizens whose records
// changed are rendered again. A failed sync is reported and tried again at
// the next interval; it never stops delivery. Its own thread; start()/stop()
// from the controlling thread.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "hub/api/intake.h"
#include "hub/app/service_config.h"
#include "hub/store/delivery_store.h"

namespace reghub::app {

class SyncLoop {
 public:
  // Each kommune's sync is a log line (hub/log): info when read, warning when not.
  SyncLoop(const Adapters& adapters, store::DeliveryStore& store, api::Intake& intake, int64_t intervalMillis);
  ~SyncLoop();  // stop()
  void start();
  void stop() noexcept;
  // Syncs done so far (tests).
  uint64_t rounds() const;

 private:
  void run();
  const Adapters& adapters_;
  store::DeliveryStore& store_;
  api::Intake& intake_;
  int64_t intervalMillis_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  uint64_t rounds_ = 0;
  std::thread thread_;
};

}  // namespace reghub::app
