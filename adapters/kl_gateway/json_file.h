#pragma once
// Reads a JSON data file at start-up. Throws std::runtime_error naming the
// file on a missing file or a parse error (profiles are checked once, at
// start-up: a bad one stops the start).
#include <rapidjson/document.h>

#include <string>

namespace reghub::kl_gateway {

rapidjson::Document readJsonFile(const std::string& file);

}  // namespace reghub::kl_gateway
