#pragma once
// The hub service's configuration (`reghub run`, `ingest`, `status`,
// `replay`, `demo`; loaded by the composition root, service_config.h): a
// Poco properties file (--config FILE) over environment variables. Every key is declared once (hub/config/key.h) in
// hubConfigKeys() with its type, default and description;
// deploy/reghub.properties.example lists them all (a test keeps the two in
// step). Unknown keys under the hub's sections fail start-up; keys under
// "<adapter>." belong to the adapters (engine::AdapterRegistry).
//
// Secrets come from the environment, never from files in the repo:
// REGHUB_STORE_KEY, REGHUB_STORE_LOOKUP_KEY, REGHUB_STORE_RETIRED_KEYS (or
// ${system.env.NAME} in the file); the API clients' tokens from a 0600 file
// or an environment variable (api_clients_config.h).
//
// loadHubConfig() does file I/O and throws ConfigError with a message
// naming the key. The result is immutable; share it as const.
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hub/api/api_server.h"
#include "hub/config/config.h"
#include "hub/engine/outbox.h"
#include "hub/log/log.h"
#include "hub/store/delivery_store.h"

namespace reghub::app {

using ConfigError = config::ConfigError;

// Every key the hub reads, the retry policy's included (adapters' keys are
// declared by the adapters).
const std::vector<config::Key>& hubConfigKeys();
// The top-level sections those keys live in ("store", "outbox", …).
const std::set<std::string>& hubSections();

// Unknown keys in the hub's sections and bad values of the keys set, without
// building anything (no store key needed): what `validate --config` checks of
// the hub's part. `registries` (when not empty) are the names a
// "<registry>" segment may take. Throws ConfigError.
void checkHubKeys(const config::Config& config, const std::vector<std::string>& registries);

using api::HttpOptions;  // the API server's listener, read from http.*

struct HubConfig {
  config::Config source;  // everything loaded (the adapters are built from it)
  std::string storeUrl;
  std::shared_ptr<const store::Keyring> keyring;
  store::SqliteSettings sqlite;  // store.sqlite.*
  engine::OutboxOptions outbox;
  HttpOptions http;
  api::HealthThresholds health;                // health.*
  log::Format logFormat = log::Format::kJson;  // log.format (`reghub run`)
  log::Level logLevel = log::Level::kInfo;     // log.level
  int64_t maxBacklog = 100'000;
  int64_t parkedExpiryMillis = 7 * 86'400'000LL;  // state.parkedDays
  int64_t syncIntervalMillis = 60 * 60'000LL;     // sync.intervalMinutes (0: no sync loop)
  // Registries delivered once a day at HH:MM Europe/Copenhagen (delivery.<registry>.dailyAt).
  std::map<std::string, int> dailyAtMinutes;
  // Days after acceptance a registry's messages keep their personal data (retention.<registry>.days).
  std::map<std::string, int64_t> retentionDays;
  // Days a citizen's unchanged inbound state, and parked resources, are kept (retention.citizenStateDays).
  std::optional<int64_t> citizenStateRetentionDays;
  // Days an ingest's diagnostics are kept (retention.ingestDiagnosticsDays).
  std::optional<int64_t> ingestDiagnosticsRetentionDays;
  // Days a failed ingest keeps its sealed body (retention.failedIngestDays).
  std::optional<int64_t> failedIngestRetentionDays;

  store::StoreOptions storeOptions() const { return {storeUrl, keyring, sqlite}; }
  // When a message for `registry` queued at `now` may first be sent.
  int64_t notBefore(const std::string& registry, int64_t now) const;
};

// `path` empty: no file (environment and defaults only). `overrides` win
// over the file (command-line options such as --store).
HubConfig loadHubConfig(const std::string& path, const std::map<std::string, std::string>& overrides = {},
                        const std::vector<std::string>& registries = {});
HubConfig loadHubConfig(const config::Config& source, const std::vector<std::string>& registries = {});

// The next time at or after `now` (epoch ms) when the Copenhagen wall clock
// shows `minutesOfDay`.
int64_t nextCopenhagenTime(int64_t now, int minutesOfDay);

}  // namespace reghub::app
