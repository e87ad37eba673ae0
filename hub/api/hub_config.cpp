#include "hub/api/hub_config.h"

#include <Poco/Util/MapConfiguration.h>
#include <Poco/Util/PropertyFileConfiguration.h>
#include <Poco/Util/SystemConfiguration.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "hub/model/date.h"
#include "hub/util/strings.h"

namespace reghub::api {

const std::vector<ConfigKey>& hubConfigKeys() {
  static const std::vector<ConfigKey> keys = {
      {"store.url", "sqlite:reghub.db", "REGHUB_STORE_URL",
       "the delivery store: sqlite:/path/file.db (embedded, WAL, mode 0600) or postgresql://user@host:port/db"},
      {"store.keyId", "k1", "REGHUB_STORE_KEY_ID", "id of the current encryption key (stored with every sealed row)"},
      {"store.key", "", "REGHUB_STORE_KEY",
       "AES-256-GCM key for personal data at rest: base64 of 32 random bytes (openssl rand -base64 32). Required"},
      {"store.lookupKey", "", "REGHUB_STORE_LOOKUP_KEY",
       "HMAC-SHA256 key for CPR lookup, base64 of 32 bytes; keep it when rotating store.key (default: derived from store.key)"},
      {"store.retiredKeys", "", "REGHUB_STORE_RETIRED_KEYS",
       "older keys that still open rows written before a rotation: id:base64,id:base64"},
      {"outbox.workers", "2", "", "delivery worker threads in this process"},
      {"outbox.leaseMillis", "120000", "", "how long a claimed message belongs to a worker; longer than any attempt"},
      {"outbox.pollMillis", "250", "", "idle wait when nothing is due"},
      {"outbox.claimBatch", "4", "", "messages claimed per database round trip"},
      {"outbox.retry.maxAttempts", "10", "", "attempts before a message is dead (per registry: outbox.retry.<registry>.maxAttempts)"},
      {"outbox.retry.baseDelayMillis", "2000", "", "first backoff cap; doubles per attempt (full jitter)"},
      {"outbox.retry.maxDelayMillis", "900000", "", "largest backoff cap"},
      {"http.host", "127.0.0.1", "", "address the intake/status API listens on (non-loopback requires TLS)"},
      {"http.port", "8443", "REGHUB_HTTP_PORT", "port of the intake/status API (0 = any free port)"},
      {"http.tls.certificate", "", "", "PEM server certificate; set it to serve HTTPS"},
      {"http.tls.privateKey", "", "", "PEM private key of the server certificate"},
      {"http.tls.caLocation", "", "", "PEM CA file for client certificates"},
      {"http.tls.requireClientCertificate", "false", "", "require a client certificate signed by http.tls.caLocation"},
      {"http.tokens", "", "REGHUB_API_TOKENS", "comma-separated bearer tokens accepted by the API"},
      {"http.maxBodyBytes", "67108864", "", "largest accepted intake body"},
      {"http.threads", "8", "", "HTTP server threads"},
      {"intake.maxBacklog", "100000", "", "intake answers 503 while more messages than this wait for delivery"},
      {"delivery.<registry>.dailyAt", "", "",
       "HH:MM (Europe/Copenhagen): hold that registry's messages for one daily delivery (e.g. delivery.ltt.dailyAt=02:00)"},
  };
  return keys;
}

namespace {

std::string get(const Poco::Util::AbstractConfiguration& c, const ConfigKey& k) {
  if (!k.env.empty())
    if (const char* v = std::getenv(k.env.c_str()); v && *v && !c.hasProperty(k.name)) return v;
  return c.getString(k.name, k.defaultValue);
}

const ConfigKey& key(const std::string& name) {
  for (const auto& k : hubConfigKeys())
    if (k.name == name) return k;
  throw std::logic_error("undeclared config key " + name);
}

int64_t getInt(const Poco::Util::AbstractConfiguration& c, const std::string& name) {
  const std::string v = get(c, key(name));
  try {
    size_t used = 0;
    const int64_t n = std::stoll(v, &used);
    if (used != v.size()) throw std::invalid_argument(v);
    return n;
  } catch (const std::exception&) {
    throw ConfigError(name + " must be a whole number, got '" + v + "'");
  }
}

bool isLoopback(const std::string& host) { return host == "127.0.0.1" || host == "localhost" || host == "::1"; }

int parseHhMm(const std::string& name, const std::string& v) {
  if (v.size() == 5 && v[2] == ':' && std::isdigit(static_cast<unsigned char>(v[0])) &&
      std::isdigit(static_cast<unsigned char>(v[1])) && std::isdigit(static_cast<unsigned char>(v[3])) &&
      std::isdigit(static_cast<unsigned char>(v[4]))) {
    const int h = std::stoi(v.substr(0, 2)), m = std::stoi(v.substr(3, 2));
    if (h < 24 && m < 60) return h * 60 + m;
  }
  throw ConfigError(name + " must be HH:MM (Europe/Copenhagen), got '" + v + "'");
}

}  // namespace

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
  HubConfig out;
  out.raw = new Poco::Util::LayeredConfiguration;
  Poco::AutoPtr<Poco::Util::MapConfiguration> over(new Poco::Util::MapConfiguration);
  for (const auto& [k, v] : overrides) over->setString(k, v);
  out.raw->add(over, 0);
  Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> file;
  if (!path.empty()) {
    if (!std::filesystem::exists(path)) throw ConfigError("config file " + path + " does not exist");
    try {
      file = new Poco::Util::PropertyFileConfiguration(path);
    } catch (const Poco::Exception& e) {
      throw ConfigError("cannot read config file " + path + ": " + e.displayText());
    }
    out.raw->add(file, 10);
  }
  // ${system.env.NAME} in the file.
  out.raw->add(new Poco::Util::SystemConfiguration, 100);
  Poco::Util::AbstractConfiguration& c = *out.raw;

  // Unknown keys in the hub's own sections are mistakes (typos).
  if (file) {
    std::set<std::string> known;
    for (const auto& k : hubConfigKeys()) known.insert(k.name);
    std::vector<std::string> all;
    std::function<void(const std::string&)> walk = [&](const std::string& prefix) {
      Poco::Util::AbstractConfiguration::Keys ks;
      file->keys(prefix, ks);
      if (ks.empty() && !prefix.empty()) all.push_back(prefix);
      for (const auto& k : ks) walk(prefix.empty() ? k : prefix + "." + k);
    };
    walk("");
    for (const auto& k : all) {
      const std::string section = k.substr(0, k.find('.'));
      if (section != "store" && section != "outbox" && section != "http" && section != "intake" && section != "delivery")
        continue;
      if (known.count(k)) continue;
      if (k.rfind("outbox.retry.", 0) == 0 || k.rfind("delivery.", 0) == 0) continue;  // per registry
      throw ConfigError("unknown configuration key '" + k + "' in " + path +
                        " (see deploy/reghub.properties.example for every key)");
    }
  }

  out.storeUrl = get(c, key("store.url"));
  const std::string storeKey = get(c, key("store.key"));
  if (storeKey.empty())
    throw ConfigError("store.key is not set: give REGHUB_STORE_KEY (base64 of 32 random bytes: openssl rand -base64 32)");
  try {
    auto ring = std::make_shared<store::Keyring>(get(c, key("store.keyId")), storeKey, get(c, key("store.lookupKey")));
    ring->addRetiredKeys(get(c, key("store.retiredKeys")));
    out.keyring = std::move(ring);
  } catch (const store::KeyError& e) {
    throw ConfigError(e.what());
  }

  auto& o = out.outbox;
  o.workers = static_cast<size_t>(std::max<int64_t>(1, getInt(c, "outbox.workers")));
  o.leaseMillis = getInt(c, "outbox.leaseMillis");
  o.pollMillis = getInt(c, "outbox.pollMillis");
  o.claimBatch = static_cast<size_t>(std::max<int64_t>(1, getInt(c, "outbox.claimBatch")));
  try {
    o.retry = engine::RetryPolicies::fromConfig(c, registries);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(e.what());
  }

  auto& h = out.http;
  h.host = get(c, key("http.host"));
  h.port = static_cast<int>(getInt(c, "http.port"));
  h.certificate = get(c, key("http.tls.certificate"));
  h.privateKey = get(c, key("http.tls.privateKey"));
  h.caLocation = get(c, key("http.tls.caLocation"));
  h.requireClientCertificate = c.getBool("http.tls.requireClientCertificate", false);
  for (const auto& t : util::split(get(c, key("http.tokens")), ','))
    if (!util::trim(t).empty()) h.tokens.push_back(util::trim(t));
  h.maxBodyBytes = static_cast<size_t>(getInt(c, "http.maxBodyBytes"));
  h.threads = static_cast<int>(getInt(c, "http.threads"));
  if (h.certificate.empty() != h.privateKey.empty())
    throw ConfigError("http.tls.certificate and http.tls.privateKey go together");
  if (h.certificate.empty() && !isLoopback(h.host))
    throw ConfigError("http.host " + h.host + " is not loopback: set http.tls.certificate and http.tls.privateKey (TLS on every wire)");
  if (h.requireClientCertificate && h.caLocation.empty())
    throw ConfigError("http.tls.requireClientCertificate needs http.tls.caLocation");
  out.maxBacklog = getInt(c, "intake.maxBacklog");

  Poco::Util::AbstractConfiguration::Keys regs;
  c.keys("delivery", regs);
  for (const auto& r : regs) {
    const std::string name = "delivery." + r + ".dailyAt";
    if (c.hasProperty(name)) out.dailyAtMinutes[r] = parseHhMm(name, c.getString(name));
  }
  return out;
}

}  // namespace reghub::api
