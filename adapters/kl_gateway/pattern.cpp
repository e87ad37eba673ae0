#include "adapters/kl_gateway/pattern.h"

#include <atomic>
#include <cstring>
#include <unordered_map>

namespace reghub::kl_gateway {

namespace {
std::atomic<uint64_t> nextId{1};
constexpr size_t kMemoLimit = 1 << 16;  // entries per thread, then start over
}  // namespace

Pattern::Pattern(const std::string& ecmaScript)
    : regex_(ecmaScript, std::regex::ECMAScript), id_(nextId.fetch_add(1, std::memory_order_relaxed)) {}

bool Pattern::matches(std::string_view text) const {
  // Key: the pattern's id (8 bytes) then the text. Ids are never reused, so a
  // pattern of an earlier LttData can never answer for a new one.
  thread_local std::unordered_map<std::string, bool> memo;
  std::string key(sizeof id_ + text.size(), '\0');
  std::memcpy(key.data(), &id_, sizeof id_);
  std::memcpy(key.data() + sizeof id_, text.data(), text.size());
  if (const auto it = memo.find(key); it != memo.end()) return it->second;
  const bool ok = std::regex_match(text.begin(), text.end(), regex_);
  if (memo.size() >= kMemoLimit) memo.clear();
  memo.emplace(std::move(key), ok);
  return ok;
}

}  // namespace reghub::kl_gateway
