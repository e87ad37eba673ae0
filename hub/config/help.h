#pragma once
// Key declarations as text for people: `--help` and the example config.
// Secrets show no value, only where they come from. Pure.
#include <string>
#include <vector>

#include "hub/config/key.h"

namespace reghub::config {

// One entry per key: "  name = default   (accepts)   [env NAME]" and the
// description indented below.
std::string formatHelp(const std::vector<Key>& keys);

// The line deploy/reghub.properties.example must hold for `key`:
// "name = default", or "# name =" when the key has no default or is secret.
std::string exampleLine(const Key& key);

}  // namespace reghub::config
