#pragma once
// Small encodings the security code needs: base64 (standard and url-safe,
// no padding for JWS), SHA-256, hex. Pure functions; thread-safe; no I/O.
#include <optional>
#include <string>
#include <string_view>

namespace reghub::security {

std::string base64Encode(std::string_view bytes);
// Accepts standard base64 with or without padding, ignoring whitespace
// (XML line-wraps base64 text). nullopt on any other character.
std::optional<std::string> base64Decode(std::string_view text);
std::string base64UrlEncode(std::string_view bytes);  // RFC 7515: '-', '_', no '='
std::string sha256(std::string_view bytes);           // 32 raw bytes
std::string hex(std::string_view bytes);              // lower-case

}  // namespace reghub::security

#include <chrono>

namespace reghub::security {

// A random (version 4) UUID, lower-case, e.g. "3f1c…". Thread-safe (OpenSSL RAND).
std::string randomUuid();
// xs:dateTime in UTC with milliseconds: "2026-12-01T10:00:00.000Z".
std::string formatUtc(std::chrono::system_clock::time_point t);
// xs:dateTime with 'Z' or a ±hh:mm offset, optional fractional seconds. nullopt if malformed.
std::optional<std::chrono::system_clock::time_point> parseUtc(std::string_view text);

}  // namespace reghub::security
