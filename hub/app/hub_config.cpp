#include "hub/app/hub_config.h"

#include <algorithm>

#include "hub/app/api_clients_config.h"
#include "hub/model/date.h"

namespace reghub::app {

const std::vector<config::Key>& hubConfigKeys() {
  using namespace config;
  static const std::vector<Key> keys = [] {
    std::vector<Key> k = {
        stringKey(
            "store.url",
            "the delivery store: sqlite:/path/file.db (embedded, WAL, mode 0600) or postgresql://user@host:port/db")
            .withDefault("sqlite:reghub.db")
            .fromEnv("REGHUB_STORE_URL"),
        stringKey("store.keyId", "id of the current encryption key (stored with every sealed row)")
            .withDefault("k1")
            .fromEnv("REGHUB_STORE_KEY_ID"),
        stringKey(
            "store.key",
            "AES-256-GCM key for personal data at rest: base64 of 32 random bytes (openssl rand -base64 32). Required")
            .fromEnv("REGHUB_STORE_KEY")
            .asSecret(),
        stringKey("store.lookupKey",
                  "HMAC-SHA256 key for CPR lookup, base64 of 32 bytes; keep it when rotating store.key (default: "
                  "derived from store.key)")
            .fromEnv("REGHUB_STORE_LOOKUP_KEY")
            .asSecret(),
        stringKey("store.retiredKeys", "older keys that still open rows written before a rotation: id:base64,id:base64")
            .fromEnv("REGHUB_STORE_RETIRED_KEYS")
            .asSecret(),
        enumKey("store.sqlite.synchronous", {"normal", "full"},
                "SQLite only: full fsyncs every commit (survives power loss); normal (WAL) survives a killed process, "
                "a power loss may undo the last commits (docs/STORE.md)")
            .withDefault("normal"),
        intKey("store.sqlite.cacheMiB", "SQLite only: page cache per connection, MiB").withDefault("64").range(1, 65536),
        intKey("store.sqlite.mmapMiB",
               "SQLite only: MiB of the store file read through a memory map (0: read calls)")
            .withDefault("1024")
            .range(0, 1048576),
        intKey("outbox.workers", "delivery worker threads in this process").withDefault("2").range(1),
        millisKey("outbox.leaseMillis", "how long a claimed message belongs to a worker; longer than any attempt")
            .withDefault("120000")
            .range(1),
        millisKey("outbox.pollMillis", "idle wait when nothing is due").withDefault("250").range(1),
        intKey("outbox.claimBatch", "messages claimed per database round trip").withDefault("4").range(1),
    };
    for (const Key& r : engine::retryConfigKeys()) k.push_back(r);
    const std::vector<Key> rest = {
        stringKey("http.host", "address the intake/status API listens on (non-loopback requires TLS)")
            .withDefault("127.0.0.1"),
        intKey("http.port", "port of the intake/status API (0 = any free port)")
            .withDefault("8443")
            .fromEnv("REGHUB_HTTP_PORT")
            .range(0, 65535),
        pathKey("http.tls.certificate", "PEM server certificate; set it to serve HTTPS"),
        pathKey("http.tls.privateKey", "PEM private key of the server certificate"),
        pathKey("http.tls.caLocation", "PEM CA file for client certificates"),
        boolKey("http.tls.requireClientCertificate",
                "require a client certificate signed by http.tls.caLocation (a token alone is then refused)")
            .withDefault("false"),
        listKey("http.tokens",
                "removed: anonymous tokens with every right; name the clients in http.clients (a value set here or "
                "in REGHUB_API_TOKENS stops the start with exit 78 saying what to write)")
            .fromEnv("REGHUB_API_TOKENS")
            .asSecret(),
        listKey("http.clients",
                "the API's named clients, comma-separated (letters, digits, '-', '_'); each is set up with "
                "http.client.<client>.* keys"),
        pathKey("http.client.<client>.tokenFile",
                "file holding the client's bearer token (at least 16 characters; mode 0600 or stricter)"),
        stringKey("http.client.<client>.tokenEnv",
                  "name of the environment variable holding the client's bearer token (instead of tokenFile)"),
        stringKey("http.client.<client>.certificateSubject",
                  "client certificate subject, RFC 2253 (openssl x509 -noout -subject -nameopt RFC2253), e.g. "
                  "CN=kommune-0101,O=Kommune; needs http.tls.caLocation"),
        stringKey("http.client.<client>.certificateFingerprint",
                  "SHA-256 fingerprint of the client certificate (openssl x509 -noout -fingerprint -sha256)"),
        listKey("http.client.<client>.roles",
                "what the client may do: intake (POST data), analyst (status, rejections, metrics), operator "
                "(replay; reads as analyst), admin (all)"),
        listKey("http.client.<client>.kommuner",
                "4-digit kommune codes the client may act for (post, see); empty = every kommune"),
        intKey("http.maxBodyBytes", "largest accepted intake body").withDefault("67108864").range(1),
        intKey("http.threads", "HTTP server threads (keep it above http.maxConnectionsPerClient)")
            .withDefault("32")
            .range(1, 1024),
        intKey("http.maxConnectionsPerClient",
               "open connections per client address; one more closes that client's oldest idle one")
            .withDefault("16")
            .range(1),
        millisKey("http.headerTimeoutMs", "time from connect to a complete request head (TLS handshake included)")
            .withDefault("10000")
            .range(1),
        millisKey("http.bodyTimeoutMs", "time to read a request body").withDefault("120000").range(1),
        millisKey("http.idleTimeoutMs", "longest wait for one read, and between kept-alive requests")
            .withDefault("10000")
            .range(1),
        intKey("intake.maxBacklog", "intake answers 503 while more messages than this wait for delivery")
            .withDefault("100000")
            .range(0),
        intKey("intake.maxQueued",
               "intake answers 503 (Retry-After) while this many posted bodies wait to be ingested")
            .withDefault("64")
            .range(1),
        intKey("intake.streamBytes",
               "a posted body larger than this is streamed to the store in sealed pieces, not held in memory")
            .withDefault("8388608")
            .range(1),
        millisKey("intake.leaseMillis",
                  "an ingest whose worker stopped renewing its claim (killed) is ingested again after this")
            .withDefault("60000")
            .range(100),
        millisKey("intake.pollMillis", "the intake worker's idle wait for posted bodies").withDefault("250").range(1),
        intKey("intake.maxAttempts",
               "claims of one posted ingest (each failed, or its worker died) before it is given up as failed; its "
               "body is kept for reghub replay --ingests")
            .withDefault("5")
            .range(1, 1000),
        millisKey("intake.failGraceMillis",
                  "an ingest at intake.maxAttempts whose worker's lease ran out is set failed only this much later "
                  "(a worker alive but late to renew may still finish it)")
            .withDefault("60000")
            .range(0),
        boolKey("intake.workers", "this process's API ingests the posted bodies (false: another process on the store does)")
            .withDefault("true"),
        intKey("state.parkedDays",
               "days a resource may wait for its Patient (parked) before it is a HUB-REF-01 error in status")
            .withDefault("7")
            .range(1, 3650),
        intKey("sync.intervalMinutes",
               "read the registries back (SMDB HentData) at start and then this often, in processes that deliver; 0 = "
               "never (reghub <registry> sync, run --until-idle)")
            .withDefault("60")
            .range(0, 10080),
        intKey("health.failuresDegraded",
               "a registry is degraded after this many delivery attempts in a row that did not reach it")
            .withDefault("3")
            .range(1),
        intKey("health.failuresFailing", "… and failing (/health 503) after this many").withDefault("20").range(1),
        intKey("health.waitingDegradedMinutes",
               "a registry is degraded while its oldest waiting message waits longer (keep it above a daily "
               "delivery's day)")
            .withDefault("1500")
            .range(1),
        intKey("health.waitingFailingMinutes", "… and failing (/health 503) past this").withDefault("4320").range(1),
        enumKey("log.format", {"json", "text"},
                "`reghub run`'s log on stderr: json (one JSON object per line, for journald and log shippers) or "
                "text (for a person)")
            .withDefault("json")
            .fromEnv("REGHUB_LOG_FORMAT"),
        enumKey("log.level", {"debug", "info", "warning", "error"},
                "the least severe log lines written (info: every request, start-up facts; warning: rejected "
                "messages, retries, refused clients; error: dead messages, failing health, key problems)")
            .withDefault("info")
            .fromEnv("REGHUB_LOG_LEVEL"),
        intKey("retention.<registry>.days",
               "`reghub prune` removes the personal data (sealed body, CPR, CPR hash) of that registry's messages "
               "accepted more than this many days ago; unset: kept")
            .range(1, 36500),
        intKey("retention.citizenStateDays",
               "`reghub prune` deletes the inbound state of a citizen unchanged for this many days whose every "
               "message is accepted (a later delta for that citizen starts afresh: it must carry its Patient), "
               "and resources parked that long; unset: kept")
            .range(1, 36500),
        intKey("retention.ingestDiagnosticsDays",
               "`reghub prune` deletes the diagnostics of ingests older than this many days (the ingest's "
               "counts stay); unset: kept")
            .range(1, 36500),
        intKey("retention.failedIngestDays",
               "`reghub prune` discards failed ingests (intake.maxAttempts) posted more than this many days ago: "
               "their sealed bodies are deleted, the ingest stays as discarded; unset: kept until replayed or "
               "discarded (reghub replay --discard-ingest)")
            .range(1, 36500),
        timeOfDayKey("delivery.<registry>.dailyAt",
                     "HH:MM (Europe/Copenhagen): hold that registry's messages for one daily delivery (e.g. "
                     "delivery.ltt.dailyAt=02:00)"),
        intKey("delivery.<registry>.concurrency",
               "delivery workers of this process that send only that registry's messages (a slow registry holds no "
               "other back); unset: outbox.workers")
            .range(1, 256),
        intKey("delivery.<registry>.ratePerSecond",
               "at most this many attempts per second to that registry from this process, evenly spaced (divide "
               "the registry's limit by the processes); unset: no limit")
            .range(1, 100000),
    };
    k.insert(k.end(), rest.begin(), rest.end());
    return k;
  }();
  return keys;
}

const std::set<std::string>& hubSections() {
  static const std::set<std::string> sections = [] {
    std::set<std::string> s;
    for (const auto& k : hubConfigKeys()) s.insert(k.name.substr(0, k.name.find('.')));
    return s;
  }();
  return sections;
}

namespace {

const config::Key& key(const std::string& name) {
  for (const auto& k : hubConfigKeys())
    if (k.name == name) return k;
  throw std::logic_error("undeclared config key " + name);
}

bool isLoopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

void checkHubKeys(const config::Config& c, const std::vector<std::string>& registries) {
  const std::string seeAlso = "deploy/reghub.properties.example and `reghub run --help` list every key";
  for (const auto& section : hubSections()) c.checkSection(section, hubConfigKeys(), seeAlso);
  checkClientNames(c);
  if (registries.empty()) return;
  // "outbox.retry.<registry>.…" and "delivery.<registry>.…" must name a registry.
  for (const auto& section : hubSections())
    for (const std::string& name : c.keysUnder(section)) {
      const config::Key* k = config::findKey(hubConfigKeys(), name);
      if (!k || k->name.find("<registry>") == std::string::npos) continue;
      const std::string r = k->placeholderValue(name);
      if (std::find(registries.begin(), registries.end(), r) == registries.end())
        throw ConfigError(name, c.origin(),
                          "'" + name + "': there is no registry '" + r + "' (registered: " + joined(registries) + ")");
    }
}

int64_t nextCopenhagenTime(int64_t now, int minutesOfDay) {
  const int64_t nowSec = now / 1000;
  const int64_t local = nowSec + model::copenhagenOffsetSeconds(nowSec);
  const int64_t dayStartLocal = local - ((local % 86400) + 86400) % 86400;
  for (int day = 0; day < 3; ++day) {
    const int64_t targetLocal = dayStartLocal + day * 86400 + int64_t{minutesOfDay} * 60;
    // Local → UTC with the offset in force at that moment (DST-safe to the hour).
    int64_t targetUtc = targetLocal - model::copenhagenOffsetSeconds(targetLocal);
    targetUtc = targetLocal - model::copenhagenOffsetSeconds(targetUtc);
    if (targetUtc * 1000 >= now) return targetUtc * 1000;
  }
  return now;
}

int64_t HubConfig::notBefore(const std::string& registry, int64_t now) const {
  const auto it = dailyAtMinutes.find(registry);
  return it == dailyAtMinutes.end() ? 0 : nextCopenhagenTime(now, it->second);
}

HubConfig loadHubConfig(const std::string& path, const std::map<std::string, std::string>& overrides,
                        const std::vector<std::string>& registries) {
  return loadHubConfig(config::Config::load(path, overrides), registries);
}

HubConfig loadHubConfig(const config::Config& c, const std::vector<std::string>& registries) {
  checkHubKeys(c, registries);
  HubConfig out;
  out.source = c;
  out.storeUrl = c.getString(key("store.url"));
  out.sqlite.fullSync = c.getString(key("store.sqlite.synchronous")) == "full";
  out.sqlite.cacheMiB = c.getInt(key("store.sqlite.cacheMiB"));
  out.sqlite.mmapMiB = c.getInt(key("store.sqlite.mmapMiB"));
  const std::string storeKey = c.getString(key("store.key"));
  if (storeKey.empty())
    throw c.error(key("store.key"),
                  "store.key is not set: give REGHUB_STORE_KEY (base64 of 32 random bytes: openssl rand -base64 32)");
  try {
    auto ring = std::make_shared<store::Keyring>(c.getString(key("store.keyId")), storeKey,
                                                 c.getString(key("store.lookupKey")));
    ring->addRetiredKeys(c.getString(key("store.retiredKeys")));
    out.keyring = std::move(ring);
  } catch (const store::KeyError& e) {
    throw c.error(key("store.key"), e.what());
  }

  auto& o = out.outbox;
  o.workers = static_cast<size_t>(c.getInt(key("outbox.workers")));
  o.leaseMillis = c.getInt(key("outbox.leaseMillis"));
  o.pollMillis = c.getInt(key("outbox.pollMillis"));
  o.claimBatch = static_cast<size_t>(c.getInt(key("outbox.claimBatch")));
  o.retry = engine::RetryPolicies::fromConfig(c, registries);

  auto& h = out.http;
  h.host = c.getString(key("http.host"));
  h.port = static_cast<int>(c.getInt(key("http.port")));
  h.certificate = c.getString(key("http.tls.certificate"));
  h.privateKey = c.getString(key("http.tls.privateKey"));
  h.caLocation = c.getString(key("http.tls.caLocation"));
  h.requireClientCertificate = c.getBool(key("http.tls.requireClientCertificate"));
  h.clients = readApiClients(c);
  h.maxBodyBytes = static_cast<size_t>(c.getInt(key("http.maxBodyBytes")));
  h.threads = static_cast<int>(c.getInt(key("http.threads")));
  h.maxConnectionsPerClient = static_cast<int>(c.getInt(key("http.maxConnectionsPerClient")));
  h.headerTimeout = std::chrono::milliseconds(c.getInt(key("http.headerTimeoutMs")));
  h.bodyTimeout = std::chrono::milliseconds(c.getInt(key("http.bodyTimeoutMs")));
  h.idleTimeout = std::chrono::milliseconds(c.getInt(key("http.idleTimeoutMs")));
  if (h.certificate.empty() != h.privateKey.empty())
    throw c.error(key("http.tls.certificate"), "http.tls.certificate and http.tls.privateKey go together");
  if (h.certificate.empty() && !isLoopback(h.host))
    throw c.error(key("http.host"),
                  "http.host " + h.host +
                      " is not loopback: set http.tls.certificate and http.tls.privateKey (TLS on every wire)");
  if (h.requireClientCertificate && h.caLocation.empty())
    throw c.error(key("http.tls.requireClientCertificate"),
                  "http.tls.requireClientCertificate needs http.tls.caLocation");
  for (const auto& client : h.clients.all())
    if ((!client.certificateSubject.empty() || !client.certificateFingerprint.empty()) && h.caLocation.empty())
      throw c.error(key("http.tls.caLocation"), "client " + client.name +
                                                    " is known by its certificate: set http.tls.caLocation (the CA "
                                                    "that issues the clients' certificates) and http.tls.certificate");
  out.health.failuresDegraded = static_cast<uint64_t>(c.getInt(key("health.failuresDegraded")));
  out.health.failuresFailing = static_cast<uint64_t>(c.getInt(key("health.failuresFailing")));
  out.health.waitingDegradedMillis = c.getInt(key("health.waitingDegradedMinutes")) * 60'000;
  out.health.waitingFailingMillis = c.getInt(key("health.waitingFailingMinutes")) * 60'000;
  if (out.health.failuresFailing < out.health.failuresDegraded)
    throw c.error(key("health.failuresFailing"), "health.failuresFailing must not be below health.failuresDegraded");
  if (out.health.waitingFailingMillis < out.health.waitingDegradedMillis)
    throw c.error(key("health.waitingFailingMinutes"),
                  "health.waitingFailingMinutes must not be below health.waitingDegradedMinutes");
  out.logFormat = c.getString(key("log.format")) == "text" ? log::Format::kText : log::Format::kJson;
  out.logLevel = log::parseLevel(c.getString(key("log.level"))).value_or(log::Level::kInfo);
  out.maxBacklog = c.getInt(key("intake.maxBacklog"));
  auto& q = h.queue;
  q.maxWaiting = c.getInt(key("intake.maxQueued"));
  q.streamBytes = static_cast<size_t>(c.getInt(key("intake.streamBytes")));
  q.leaseMillis = c.getInt(key("intake.leaseMillis"));
  q.pollMillis = c.getInt(key("intake.pollMillis"));
  q.maxAttempts = static_cast<int>(c.getInt(key("intake.maxAttempts")));
  q.failGraceMillis = c.getInt(key("intake.failGraceMillis"));
  q.workers = c.getBool(key("intake.workers"));
  out.parkedExpiryMillis = c.getInt(key("state.parkedDays")) * 86'400'000;
  out.syncIntervalMillis = c.getInt(key("sync.intervalMinutes")) * 60'000;

  const config::Key& retention = key("retention.<registry>.days");
  for (const std::string& name : c.keysUnder("retention")) {
    if (!retention.matches(name)) continue;
    const std::string registry = retention.placeholderValue(name);
    out.retentionDays[registry] = c.getInt(retention.instantiate(registry));
  }
  if (c.isSet("retention.citizenStateDays"))
    out.citizenStateRetentionDays = c.getInt(key("retention.citizenStateDays"));
  if (c.isSet("retention.ingestDiagnosticsDays"))
    out.ingestDiagnosticsRetentionDays = c.getInt(key("retention.ingestDiagnosticsDays"));
  if (c.isSet("retention.failedIngestDays"))
    out.failedIngestRetentionDays = c.getInt(key("retention.failedIngestDays"));
  const config::Key& dailyAt = key("delivery.<registry>.dailyAt");
  const config::Key& concurrency = key("delivery.<registry>.concurrency");
  const config::Key& rate = key("delivery.<registry>.ratePerSecond");
  for (const std::string& name : c.keysUnder("delivery")) {
    if (concurrency.matches(name))
      out.outbox.limits[concurrency.placeholderValue(name)].concurrency =
          static_cast<size_t>(c.getInt(concurrency.instantiate(concurrency.placeholderValue(name))));
    if (rate.matches(name))
      out.outbox.limits[rate.placeholderValue(name)].ratePerSecond =
          static_cast<double>(c.getInt(rate.instantiate(rate.placeholderValue(name))));
    if (!dailyAt.matches(name)) continue;
    const std::string registry = dailyAt.placeholderValue(name);
    if (const auto minutes = c.getTimeOfDay(dailyAt.instantiate(registry))) out.dailyAtMinutes[registry] = *minutes;
  }
  return out;
}

}  // namespace reghub::app
