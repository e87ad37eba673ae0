#pragma once
// A configuration key declared as data (Fluent Bit's config map): name,
// type, default, environment variable, description, secret or not. The
// declaration is the single source for reading the value (config.h),
// checking it, `--help` (help.h) and deploy/reghub.properties.example (a
// test keeps the file in step).
//
// A name segment in angle brackets is a placeholder for one segment, e.g.
// "delivery.<registry>.dailyAt" matches "delivery.ltt.dailyAt".
// Pure value types; no I/O; thread-safe to share once built.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reghub::config {

enum class KeyType {
  kString,
  kInt,        // whole number, optional [min, max]
  kBool,       // true/false (also yes/no, on/off, 1/0)
  kEnum,       // one of `allowed`
  kDate,       // YYYY-MM-DD (a real calendar day)
  kMillis,     // a duration in milliseconds, optional [min, max]
  kPath,       // a file or directory
  kUrl,        // absolute URL; `allowed` lists the schemes (default http, https)
  kTimeOfDay,  // HH:MM
  kList,       // comma-separated values
};

std::string_view typeName(KeyType type);

struct Key {
  std::string name;
  KeyType type = KeyType::kString;
  std::string defaultValue;  // as written in a file; empty = none
  std::string env;           // environment variable read when the file does not set the key
  std::string description;
  bool secret = false;               // never echoed in errors or help
  std::vector<std::string> allowed;  // kEnum: the values; kUrl: schemes; others: extra words (e.g. "today")
  std::optional<int64_t> min, max;   // kInt, kMillis

  // Chainable refinements for declaration tables.
  Key withDefault(std::string v) && {
    defaultValue = std::move(v);
    return std::move(*this);
  }
  Key fromEnv(std::string v) && {
    env = std::move(v);
    return std::move(*this);
  }
  Key asSecret() && {
    secret = true;
    return std::move(*this);
  }
  Key range(std::optional<int64_t> lo, std::optional<int64_t> hi = std::nullopt) && {
    min = lo;
    max = hi;
    return std::move(*this);
  }
  Key orWords(std::vector<std::string> words) && {
    allowed = std::move(words);
    return std::move(*this);
  }

  bool isPattern() const { return name.find('<') != std::string::npos; }
  // Does the concrete key `full` match this declaration (placeholders match one segment)?
  bool matches(std::string_view full) const;
  // What a placeholder stood for in `full` (first placeholder), e.g. "ltt".
  std::string placeholderValue(std::string_view full) const;
  // This declaration with its first placeholder replaced by `value`.
  Key instantiate(const std::string& value) const;
  // A short human form of what the key accepts: "warning|error", "YYYY-MM-DD", "whole number ≥ 1".
  std::string accepts() const;
  // Empty when `value` is acceptable, else what is wrong and what would be
  // right (never repeating a secret's value).
  std::string problemWith(const std::string& value) const;
};

Key stringKey(std::string name, std::string description);
Key intKey(std::string name, std::string description);
Key boolKey(std::string name, std::string description);
Key enumKey(std::string name, std::vector<std::string> allowed, std::string description);
Key dateKey(std::string name, std::string description);
Key millisKey(std::string name, std::string description);
Key pathKey(std::string name, std::string description);
Key urlKey(std::string name, std::vector<std::string> schemes, std::string description);
Key timeOfDayKey(std::string name, std::string description);
Key listKey(std::string name, std::string description);

// The declaration `full` matches (exact names before patterns), or null.
const Key* findKey(const std::vector<Key>& keys, std::string_view full);
// The declared name closest to a misspelt one (edit distance, case and
// '_'/'-' ignored), or empty when none is close.
std::string closestKey(const std::vector<Key>& keys, std::string_view full);

// HH:MM → minutes of the day; nullopt if malformed.
std::optional<int> parseTimeOfDay(std::string_view text);
// YYYY-MM-DD with a real day → true.
bool isCalendarDate(std::string_view text);

}  // namespace reghub::config
