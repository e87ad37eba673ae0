#include "hub/app/hub.h"

#include <Poco/Exception.h>


namespace reghub::app {

Hub::Hub(ServiceConfig config, HubOptions options) : config_(std::move(config)), options_(std::move(options)) {
  life_.add(makePart("store", [this] { openStore(); }));
  life_.add(makePart("intake", [this] { buildIntake(); }));
  if (options_.workers && config_.hub.syncIntervalMillis > 0)
    life_.add(makePart("sync", [this] { startSync(); }, [this] { sync_->stop(); }));
  life_.add(makePart("workers", [this] { startWorkers(); }, [this] { outbox_->stop(); }));
  if (options_.http) life_.add(makePart("http", [this] { startHttp(); }, [this] { server_->stop(); }));
}

Hub::~Hub() { stop(); }

void Hub::start() { life_.start(); }

void Hub::stop() noexcept { life_.stop(); }

void Hub::openStore() {
  if (!store_) store_ = store::DeliveryStore::open(config_.hub.storeOptions());
}

void Hub::buildIntake() {
  if (intake_) return;
  const HubConfig& hub = config_.hub;
  intake_ = std::make_unique<api::Intake>(
      *store_, config_.adapters, [&hub](const std::string& r, int64_t now) { return hub.notBefore(r, now); },
      api::IntakeOptions{hub.parkedExpiryMillis});
}

void Hub::startWorkers() {
  if (!outbox_) {
    engine::OutboxOptions o = config_.hub.outbox;
    o.mirror = &intake_->mirror();  // ids a sync learned, for messages whose receipt was lost
    // Workers per registry: a slow registry holds no other back (delivery.<registry>.*).
    for (const auto& a : config_.adapters) o.registries.emplace_back(a->name());
    outbox_ = std::make_unique<engine::Outbox>(*store_, options_.deliverers ? options_.deliverers : adapterDeliverers(),
                                               o);
  }
  if (options_.workers) outbox_->start();
}

void Hub::startSync() {
  sync_ = std::make_unique<SyncLoop>(config_.adapters, *store_, *intake_, config_.hub.syncIntervalMillis);
  sync_->start();
}

void Hub::startHttp() {
  const HttpOptions& http = config_.hub.http;
  server_ = std::make_unique<api::ApiServer>(http, config_.hub.maxBacklog, *store_, *intake_, outbox_.get());
  server_->setCredentials(adapterCredentials(config_.adapters));
  server_->setHealthThresholds(config_.hub.health);
  dashboard::DashboardOptions d;
  d.secureCookies = !http.certificate.empty();
  for (const auto& a : config_.adapters) d.registries.push_back({std::string(a->name()), a->deadlineRule(), a->credentials()});
  dashboard_ = std::make_unique<dashboard::Dashboard>(std::move(d), http.clients, *store_, *intake_);
  server_->mount("/dashboard", [d = dashboard_.get()](const net::HttpRequest& req) { return d->handle(req); });
  try {
    server_->start();
  } catch (const Poco::Exception& e) {
    server_.reset();
    throw ListenError("cannot listen on " + http.host + ":" + std::to_string(http.port) + ": " + e.displayText());
  }
}

engine::DelivererFactory Hub::adapterDeliverers() const {
  // Copies of the shared adapters: the factory runs on the worker threads.
  return [adapters = config_.adapters](const std::string& registry) -> std::unique_ptr<engine::Deliverer> {
    for (const auto& adapter : adapters) {
      if (adapter->name() != registry) continue;
      auto d = adapter->makeDeliverer();
      if (!d)
        throw std::runtime_error("registry " + registry +
                                 " is not configured for delivery (no endpoint; see reghub run --help)");
      return d;
    }
    return nullptr;
  };
}

}  // namespace reghub::app
