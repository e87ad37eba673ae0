#include "adapters/kl_gateway/form.h"

#include <algorithm>
#include <cctype>

namespace reghub::kl_gateway {

namespace {
int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = hexValue(s[i + 1]), lo = hexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += char(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}
}  // namespace

std::string formEncode(std::string_view value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (const unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += char(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::optional<std::map<std::string, std::string>> parseForm(std::string_view body, std::string& error) {
  std::map<std::string, std::string> fields;
  size_t pos = 0;
  while (pos <= body.size()) {
    const size_t amp = std::min(body.find('&', pos), body.size());
    const std::string_view pair = body.substr(pos, amp - pos);
    pos = amp + 1;
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    const auto name = decode(pair.substr(0, eq));
    const auto value = decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!name || !value) {
      error = "broken %-escape in the form field '" + std::string(pair.substr(0, std::min<size_t>(eq, 40))) + "'";
      return std::nullopt;
    }
    if (name->empty()) {
      error = "a form field without a name";
      return std::nullopt;
    }
    if (!fields.emplace(*name, *value).second) {
      error = "the form field '" + *name + "' is given more than once";
      return std::nullopt;
    }
  }
  return fields;
}

}  // namespace reghub::kl_gateway
