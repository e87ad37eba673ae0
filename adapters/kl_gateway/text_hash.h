#pragma once
// Hash maps keyed by text that are looked up by std::string_view without a
// copy (C++20 heterogeneous lookup). The validator's keys — canonical urls,
// fullUrls, "system|code" — share long prefixes, which a sorted map compares
// again at every step of its search.
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace reghub::kl_gateway {

struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

template <typename V>
using TextMap = std::unordered_map<std::string, V, TextHash, std::equal_to<>>;
using TextSet = std::unordered_set<std::string, TextHash, std::equal_to<>>;

}  // namespace reghub::kl_gateway
