#pragma once
// application/x-www-form-urlencoded (the token endpoint's request body):
// encoding a value, and parsing a body into its fields. Pure, thread-safe.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace reghub::kl_gateway {

// Percent-encodes everything but RFC 3986's unreserved characters.
std::string formEncode(std::string_view value);

// name → value ('+' is a space, %XX decoded). nullopt (and `error` says
// which field) on a broken %-escape, an empty name or a repeated name
// (RFC 6749 §3.2: parameters must not be included more than once).
std::optional<std::map<std::string, std::string>> parseForm(std::string_view body, std::string& error);

}  // namespace reghub::kl_gateway
