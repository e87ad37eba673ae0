#include "hub/config/config.h"

#include <Poco/Util/LayeredConfiguration.h>
#include <Poco/Util/MapConfiguration.h>
#include <Poco/Util/PropertyFileConfiguration.h>
#include <Poco/Util/SystemConfiguration.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <functional>

namespace reghub::config {

namespace {

void leaves(const Poco::Util::AbstractConfiguration& c, const std::string& prefix, std::vector<std::string>& out) {
  Poco::Util::AbstractConfiguration::Keys ks;
  c.keys(prefix, ks);
  if (!prefix.empty() && c.hasProperty(prefix)) out.push_back(prefix);
  for (const auto& k : ks) leaves(c, prefix.empty() ? k : prefix + "." + k, out);
}

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

Poco::AutoPtr<Poco::Util::LayeredConfiguration> layered(
    const std::vector<Poco::AutoPtr<Poco::Util::AbstractConfiguration>>& set) {
  Poco::AutoPtr<Poco::Util::LayeredConfiguration> all(new Poco::Util::LayeredConfiguration);
  int priority = 0;
  for (const auto& layer : set) all->add(layer, priority += 10);
  // ${system.env.NAME} in the file (the way secrets get in without being in it).
  all->add(new Poco::Util::SystemConfiguration, 100);
  return all;
}

}  // namespace

Config::Config() : all_(layered({})), origin_("the defaults and the environment") {}

Config Config::load(const std::string& path, const std::map<std::string, std::string>& overrides) {
  Config c;
  Poco::AutoPtr<Poco::Util::MapConfiguration> over(new Poco::Util::MapConfiguration);
  for (const auto& [k, v] : overrides) over->setString(k, v);
  c.setLayers_.push_back(over);
  c.origin_ = path.empty() ? "the command line" : path;
  if (!path.empty()) {
    if (!std::filesystem::is_regular_file(path))
      throw ConfigError("", path, "the configuration file does not exist (or is not a file)");
    try {
      c.setLayers_.push_back(new Poco::Util::PropertyFileConfiguration(path));
    } catch (const Poco::Exception& e) {
      throw ConfigError("", path, "cannot read the configuration file: " + e.displayText());
    }
    c.file_ = path;
  }
  c.all_ = layered(c.setLayers_);
  return c;
}

Config Config::fromMap(const std::map<std::string, std::string>& values, std::string origin) {
  Config c = load("", values);
  c.origin_ = std::move(origin);
  return c;
}

bool Config::isSet(std::string_view name) const {
  const std::string n(name);
  for (const auto& layer : setLayers_)
    if (layer->hasProperty(n)) return true;
  return false;
}

std::vector<std::string> Config::keysUnder(std::string_view section) const {
  std::vector<std::string> out;
  for (const auto& layer : setLayers_) leaves(*layer, std::string(section), out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  out.erase(std::remove(out.begin(), out.end(), std::string(section)), out.end());
  return out;
}

std::set<std::string> Config::sections() const {
  std::set<std::string> out;
  for (const auto& layer : setLayers_) {
    Poco::Util::AbstractConfiguration::Keys ks;
    layer->keys("", ks);
    out.insert(ks.begin(), ks.end());
  }
  return out;
}

std::optional<std::string> Config::text(const Key& key) const {
  if (isSet(key.name)) {
    try {
      return trim(all_->getString(key.name));
    } catch (const Poco::Exception& e) {  // e.g. a ${…} that does not resolve
      throw error(key, key.name + ": " + e.displayText());
    }
  }
  if (!key.env.empty())
    if (const char* v = std::getenv(key.env.c_str()); v && *v) return trim(v);
  if (!key.defaultValue.empty()) return key.defaultValue;
  return std::nullopt;
}

std::string Config::originOf(const Key& key) const {
  if (!isSet(key.name) && !key.env.empty())
    if (const char* v = std::getenv(key.env.c_str()); v && *v) return "environment variable " + key.env;
  return origin_;  // set there, or missing from it
}

ConfigError Config::error(const Key& key, const std::string& problem) const {
  return ConfigError(key.name, originOf(key), problem);
}

std::string Config::getString(const Key& key) const {
  return text(key).value_or("");
}

int64_t Config::getInt(const Key& key) const {
  const auto v = text(key);
  if (!v) throw std::logic_error("config key " + key.name + " has no default");
  if (const std::string p = key.problemWith(*v); !p.empty()) throw error(key, p);
  return std::stoll(*v);
}

bool Config::getBool(const Key& key) const {
  const std::string v = text(key).value_or("false");
  if (const std::string p = key.problemWith(v); !p.empty()) throw error(key, p);
  std::string l;
  for (char ch : v) l.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return l == "true" || l == "yes" || l == "on" || l == "1";
}

std::optional<std::string> Config::getOptional(const Key& key) const {
  auto v = text(key);
  if (!v || v->empty()) return std::nullopt;
  if (const std::string p = key.problemWith(*v); !p.empty()) throw error(key, p);
  return v;
}

std::optional<int> Config::getTimeOfDay(const Key& key) const {
  const auto v = getOptional(key);
  return v ? parseTimeOfDay(*v) : std::nullopt;
}

std::vector<std::string> Config::getList(const Key& key) const {
  std::vector<std::string> out;
  const std::string v = getString(key);
  size_t start = 0;
  while (start <= v.size()) {
    const size_t comma = std::min(v.find(',', start), v.size());
    if (const std::string item = trim(v.substr(start, comma - start)); !item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

void Config::checkSection(const std::string& section, const std::vector<Key>& keys, const std::string& seeAlso) const {
  for (const std::string& name : keysUnder(section)) {
    const Key* k = findKey(keys, name);
    if (!k) {
      const std::string near = closestKey(keys, name);
      throw ConfigError(name, origin_,
                        "unknown configuration key '" + name + "'" +
                            (near.empty() ? std::string() : " — did you mean '" + near + "'?") +
                            (seeAlso.empty() ? std::string() : " (" + seeAlso + ")"));
    }
    const Key concrete = k->isPattern() ? k->instantiate(k->placeholderValue(name)) : *k;
    const std::string v = text(concrete).value_or("");
    if (v.empty() && concrete.type != KeyType::kInt && concrete.type != KeyType::kMillis &&
        concrete.type != KeyType::kBool)
      continue;  // an empty optional setting means "not set"
    if (const std::string p = concrete.problemWith(v); !p.empty()) throw error(concrete, p);
  }
}

void rejectUnknownSections(const Config& config, const std::set<std::string>& known, const std::string& seeAlso) {
  std::vector<Key> names;
  for (const auto& s : known) names.push_back(stringKey(s, ""));
  for (const std::string& s : config.sections()) {
    if (known.count(s) || s == "system") continue;  // "system.*" is Poco's environment view
    const std::string near = closestKey(names, s);
    const auto inSection = config.keysUnder(s);
    const std::string example = inSection.empty() ? s : inSection.front();
    throw ConfigError(example, config.origin(),
                      "unknown configuration key '" + example + "': no part of the hub or registry is called '" + s +
                          "'" + (near.empty() ? std::string() : " — did you mean '" + near + "'?") +
                          (seeAlso.empty() ? std::string() : " (" + seeAlso + ")"));
  }
}

}  // namespace reghub::config
