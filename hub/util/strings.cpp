#include "hub/util/strings.h"

namespace reghub::util {

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t pos = s.find(sep, start);
    out.emplace_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

bool isAllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

long utf8Length(std::string_view s) {
  long n = 0;
  size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    const unsigned char c = p[i];
    size_t len;
    unsigned cp;
    if (c < 0x80) { len = 1; cp = c; }
    else if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return -1;
    if (i + len > s.size()) return -1;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return -1;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and out-of-range code points are invalid.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return -1;
    i += len;
    ++n;
  }
  return n;
}

bool isValidUtf8(std::string_view s) { return utf8Length(s) >= 0; }

// Every run of ten or more digits, and every DDMMYY-SSSS, becomes ddmm**-****.
std::string maskDigitRuns(std::string s) {
  auto digitsFrom = [&s](size_t i) {
    size_t j = i;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    return j - i;
  };
  size_t i = 0;
  while (i < s.size()) {
    const size_t run = digitsFrom(i);
    if (run == 0) {
      ++i;
      continue;
    }
    size_t len = 0;  // how much to mask: a 10+ digit run, or DDMMYY-SSSS
    if (run >= 10)
      len = run;
    else if (run == 6 && i + 6 < s.size() && s[i + 6] == '-' && digitsFrom(i + 7) >= 4)
      len = 7 + digitsFrom(i + 7);
    if (len == 0) {
      i += run;
      continue;
    }
    const std::string masked = s.substr(i, 4) + "**-****";  // as model::maskCpr
    s.replace(i, len, masked);
    i += masked.size();
  }
  return s;
}

}  // namespace reghub::util
