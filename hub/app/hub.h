#pragma once
// The composition root: the one place that turns the configuration into a
// running hub. From a ServiceConfig (loaded once, service_config.h) it
// builds, as parts of one Lifecycle and in this order:
//   store    the delivery store (opened, migrated)
//   intake   validation and queueing into the store (hub/api/intake.h)
//   sync     reading the registries back, at start and every sync.intervalMinutes (with workers)
//   workers  the outbox's delivery workers (HubOptions::workers)
//   http     the HTTPS intake/status API (HubOptions::http)
// start() starts them in that order and rolls back on a failure; stop()
// stops the API first (no new work), then the workers (in-flight attempts
// finish, unstarted claims go back to pending). The store and the intake
// stay open until the Hub is destroyed, so what ran can be read after stop().
// `reghub run`, `ingest` and `demo` run on it.
//
// start() does I/O and throws: StoreError/KeyError (store), ListenError
// (the API cannot bind). One controlling thread.
#include <memory>
#include <stdexcept>
#include <string>

#include "hub/api/api_server.h"
#include "hub/api/intake.h"
#include "hub/app/lifecycle.h"
#include "hub/app/service_config.h"
#include "hub/app/sync_loop.h"
#include "hub/dashboard/dashboard.h"
#include "hub/engine/outbox.h"
#include "hub/store/delivery_store.h"

namespace reghub::app {

// The API could not listen (port in use, TLS files): the message names host:port.
class ListenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HubOptions {
  bool http = true;     // serve the API
  bool workers = true;  // run delivery workers (the outbox exists either way: metrics, stats)
  // Who delivers a registry's messages; empty = the configured adapters'
  // deliverers (a registry without an endpoint: its attempts retry, saying why).
  engine::DelivererFactory deliverers;
};

class Hub {
 public:
  // Builds nothing yet (no I/O).
  Hub(ServiceConfig config, HubOptions options);
  ~Hub();  // stop()
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  void start();
  void stop() noexcept;  // idempotent

  const HubConfig& config() const { return config_.hub; }
  const Adapters& adapters() const { return config_.adapters; }
  // Valid after start() (until the Hub is destroyed).
  store::DeliveryStore& store() { return *store_; }
  api::Intake& intake() { return *intake_; }
  engine::Outbox& outbox() { return *outbox_; }
  // Null unless HubOptions::http and started.
  const api::ApiServer* server() const { return server_.get(); }

 private:
  void openStore();
  void buildIntake();
  void startWorkers();
  void startSync();
  void startHttp();
  engine::DelivererFactory adapterDeliverers() const;

  ServiceConfig config_;
  HubOptions options_;
  // Declared in build order: destroyed in reverse, after life_ stopped them.
  std::unique_ptr<store::DeliveryStore> store_;
  std::unique_ptr<api::Intake> intake_;
  std::unique_ptr<SyncLoop> sync_;
  std::unique_ptr<engine::Outbox> outbox_;
  // Before server_: the server's handlers call it until the server is gone.
  std::unique_ptr<dashboard::Dashboard> dashboard_;
  std::unique_ptr<api::ApiServer> server_;
  Lifecycle life_;
};

}  // namespace reghub::app
