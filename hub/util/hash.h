#pragma once
// Content hashes and name-based ids. Pure functions, thread-safe, no I/O.
#include <string>
#include <string_view>

namespace reghub::util {

// Lower-case hex SHA-256 of the bytes.
std::string sha256Hex(std::string_view bytes);

// RFC 4122 version-5 (SHA-1, name-based) UUID in canonical lower-case form.
// Same namespace + name always gives the same id: used for ids that must be
// stable across runs (LTT Bundle ids, resource ids).
std::string uuidV5(std::string_view namespaceUuid, std::string_view name);

// HMAC-SHA256 of `message` under `key`, lower-case hex.
std::string hmacSha256Hex(std::string_view key, std::string_view message);

}  // namespace reghub::util
