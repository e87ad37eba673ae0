#pragma once
// The few request parts the dashboard reads: an
// application/x-www-form-urlencoded body or query, and one cookie. Pure;
// malformed input gives empty values, never an exception.
#include <map>
#include <string>

namespace reghub::dashboard {

// "a=1&b=x+y" → {a:1, b:"x y"}; a repeated name keeps its first value.
std::map<std::string, std::string> parseForm(const std::string& encoded);
// The value of cookie `name` in a Cookie header, or empty.
std::string cookieValue(const std::string& cookieHeader, const std::string& name);
// Percent-encodes a value for a URL's query.
std::string urlEncode(const std::string& value);

}  // namespace reghub::dashboard
