#pragma once
// The one exception for every configuration problem: a misspelt key, a bad
// value, a missing required setting, an unreadable file. `reghub` maps it to
// exit 78 (kExitConfig). The message names the key, where it came from (the
// file, or "the environment/defaults") and how to fix it (allowed values,
// the expected form); a secret's value is never part of it.
#include <stdexcept>
#include <string>

namespace reghub::config {

class ConfigError : public std::runtime_error {
 public:
  // `key` may be empty for problems with the file as a whole.
  ConfigError(std::string key, std::string origin, const std::string& problem)
      : std::runtime_error((origin.empty() ? std::string() : origin + ": ") + problem),
        key_(std::move(key)),
        origin_(std::move(origin)) {}

  const std::string& key() const { return key_; }
  const std::string& origin() const { return origin_; }

 private:
  std::string key_;
  std::string origin_;
};

}  // namespace reghub::config
