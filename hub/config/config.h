#pragma once
// A loaded configuration: a Poco properties file (--config FILE) under
// overrides (command-line options such as --store), with `${system.env.NAME}`
// expanded. Every read goes through a declaration (key.h): the value set in
// the file, else the declared environment variable, else the declared
// default — checked against the key's type, so a bad value is a ConfigError
// naming the key, the file and what is allowed.
//
// load() does file I/O; everything else is pure. Immutable after load and
// cheap to copy (the layers are shared); thread-safe to read.
#include <Poco/AutoPtr.h>
#include <Poco/Util/LayeredConfiguration.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "hub/config/config_error.h"
#include "hub/config/key.h"

namespace reghub::config {

class Config {
 public:
  // Nothing set: every key reads its environment variable or its default.
  Config();
  // `path` empty: no file. Throws ConfigError when the file is missing or unreadable.
  static Config load(const std::string& path, const std::map<std::string, std::string>& overrides = {});
  // In-memory settings (tests, the demo); `origin` names them in errors.
  static Config fromMap(const std::map<std::string, std::string>& values, std::string origin = "the given settings");

  const std::string& file() const { return file_; }  // empty when none
  // Where set values come from, for messages: the file, or a description.
  const std::string& origin() const { return origin_; }

  // Set in the file or the overrides (not counting environment or default).
  bool isSet(std::string_view name) const;
  // Every key set under "section." (leaves, full names, sorted).
  std::vector<std::string> keysUnder(std::string_view section) const;
  // The first segment of every key set.
  std::set<std::string> sections() const;

  // The value (set, else non-empty env, else default); nullopt when none.
  std::optional<std::string> text(const Key& key) const;
  // Typed reads. Each validates against `key` and throws ConfigError.
  std::string getString(const Key& key) const;  // "" when none
  int64_t getInt(const Key& key) const;         // kInt, kMillis: an empty value is an error
  bool getBool(const Key& key) const;
  // kEnum, kDate, kUrl, kPath, kTimeOfDay…: the checked text, nullopt when none or empty.
  std::optional<std::string> getOptional(const Key& key) const;
  std::optional<int> getTimeOfDay(const Key& key) const;   // minutes of the day
  std::vector<std::string> getList(const Key& key) const;  // trimmed, empty items dropped

  // Every key set under "section." must be declared in `keys` (else a
  // ConfigError with the closest declared name), and its value acceptable.
  // `seeAlso` ends the message (e.g. "see `reghub run --help`").
  void checkSection(const std::string& section, const std::vector<Key>& keys, const std::string& seeAlso) const;

  // A ConfigError about `key`, attributed to where its value came from.
  ConfigError error(const Key& key, const std::string& problem) const;

 private:
  std::string originOf(const Key& key) const;

  Poco::AutoPtr<Poco::Util::LayeredConfiguration> all_;
  std::vector<Poco::AutoPtr<Poco::Util::AbstractConfiguration>> setLayers_;  // overrides, file
  std::string file_;
  std::string origin_;
};

// Keys set in sections nobody declared (a misspelt adapter name, "smbd.x"):
// throws ConfigError naming the first, with the closest known section.
void rejectUnknownSections(const Config& config, const std::set<std::string>& known, const std::string& seeAlso);

}  // namespace reghub::config
