#include "hub/config/key.h"

#include <algorithm>
#include <cctype>

namespace reghub::config {

namespace {

std::vector<std::string_view> segments(std::string_view name) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t dot = name.find('.', start);
    out.push_back(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

bool isPlaceholder(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '<' && segment.back() == '>';
}

std::string joined(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::optional<int64_t> parseWhole(const std::string& v) {
  if (v.empty()) return std::nullopt;
  try {
    size_t used = 0;
    const long long n = std::stoll(v, &used, 10);
    if (used != v.size()) return std::nullopt;
    return n;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

// Lower case without '_' and '-': "hiden_field_severity" ~ "hiddenFieldSeverity".
std::string folded(std::string_view s) {
  std::string out;
  for (char c : lower(s))
    if (c != '_' && c != '-') out.push_back(c);
  return out;
}

size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

bool isWord(const Key& k, const std::string& v) {
  return k.type != KeyType::kEnum && k.type != KeyType::kUrl &&
         std::find(k.allowed.begin(), k.allowed.end(), v) != k.allowed.end();
}

std::string shown(const Key& k, const std::string& v) {
  return k.secret ? "(the value is hidden)" : "'" + v + "'";
}

std::string rangeText(const Key& k) {
  if (k.min && k.max) return " from " + std::to_string(*k.min) + " to " + std::to_string(*k.max);
  if (k.min) return " ≥ " + std::to_string(*k.min);
  if (k.max) return " ≤ " + std::to_string(*k.max);
  return "";
}

}  // namespace

std::string_view typeName(KeyType type) {
  switch (type) {
    case KeyType::kString:
      return "string";
    case KeyType::kInt:
      return "int";
    case KeyType::kBool:
      return "bool";
    case KeyType::kEnum:
      return "enum";
    case KeyType::kDate:
      return "date";
    case KeyType::kMillis:
      return "millis";
    case KeyType::kPath:
      return "path";
    case KeyType::kUrl:
      return "url";
    case KeyType::kTimeOfDay:
      return "time";
    case KeyType::kList:
      return "list";
  }
  return "?";
}

bool Key::matches(std::string_view full) const {
  if (!isPattern()) return name == full;
  const auto want = segments(name), got = segments(full);
  if (want.size() != got.size()) return false;
  for (size_t i = 0; i < want.size(); ++i)
    if (!isPlaceholder(want[i]) && want[i] != got[i]) return false;
  return true;
}

std::string Key::placeholderValue(std::string_view full) const {
  const auto want = segments(name), got = segments(full);
  for (size_t i = 0; i < want.size() && i < got.size(); ++i)
    if (isPlaceholder(want[i])) return std::string(got[i]);
  return {};
}

Key Key::instantiate(const std::string& value) const {
  Key k = *this;
  const size_t open = k.name.find('<');
  if (open != std::string::npos) k.name.replace(open, k.name.find('>', open) - open + 1, value);
  return k;
}

std::string Key::accepts() const {
  std::string words = allowed.empty() || type == KeyType::kEnum || type == KeyType::kUrl
                          ? std::string()
                          : " or " + joined(allowed, " or ");
  switch (type) {
    case KeyType::kString:
      return "text" + words;
    case KeyType::kInt:
      return "a whole number" + rangeText(*this) + words;
    case KeyType::kBool:
      return "true or false" + words;
    case KeyType::kEnum:
      return joined(allowed, "|");
    case KeyType::kDate:
      return "a date YYYY-MM-DD" + words;
    case KeyType::kMillis:
      return "milliseconds (a whole number" + rangeText(*this) + ")" + words;
    case KeyType::kPath:
      return "a path" + words;
    case KeyType::kUrl:
      return "a URL starting with " +
             joined(allowed.empty() ? std::vector<std::string>{"http", "https"} : allowed, ":// or ") + "://";
    case KeyType::kTimeOfDay:
      return "HH:MM" + words;
    case KeyType::kList:
      return "comma-separated values" + words;
  }
  return {};
}

std::string Key::problemWith(const std::string& v) const {
  if (isWord(*this, v)) return {};
  const std::string expected = name + " must be " + accepts() + ", got " + shown(*this, v);
  switch (type) {
    case KeyType::kString:
    case KeyType::kPath:
    case KeyType::kList:
      return {};
    case KeyType::kInt:
    case KeyType::kMillis: {
      const auto n = parseWhole(v);
      if (!n || (min && *n < *min) || (max && *n > *max)) return expected;
      return {};
    }
    case KeyType::kBool: {
      const std::string l = lower(v);
      for (const char* ok : {"true", "false", "yes", "no", "on", "off", "1", "0"})
        if (l == ok) return {};
      return expected;
    }
    case KeyType::kEnum:
      if (std::find(allowed.begin(), allowed.end(), v) != allowed.end()) return {};
      return name + " must be one of " + joined(allowed, ", ") + "; got " + shown(*this, v);
    case KeyType::kDate:
      return isCalendarDate(v) ? std::string() : expected;
    case KeyType::kUrl: {
      const auto schemes = allowed.empty() ? std::vector<std::string>{"http", "https"} : allowed;
      for (const auto& s : schemes)
        if (v.rfind(s + "://", 0) == 0 && v.size() > s.size() + 3) return {};
      return expected;
    }
    case KeyType::kTimeOfDay:
      return parseTimeOfDay(v) ? std::string() : name + " must be HH:MM (Europe/Copenhagen), got " + shown(*this, v);
  }
  return {};
}

Key stringKey(std::string name, std::string description) {
  return Key{std::move(name), KeyType::kString, {}, {}, std::move(description), false, {}, {}, {}};
}
Key intKey(std::string name, std::string description) {
  return Key{std::move(name), KeyType::kInt, {}, {}, std::move(description), false, {}, {}, {}};
}
Key boolKey(std::string name, std::string description) {
  return Key{std::move(name), KeyType::kBool, {}, {}, std::move(description), false, {}, {}, {}};
}
Key enumKey(std::string name, std::vector<std::string> allowed, std::string description) {
  return Key{std::move(name), KeyType::kEnum, {}, {}, std::move(description), false, std::move(allowed), {}, {}};
}
Key dateKey(std::string name, std::string description) {
  return Key{std::move(name), KeyType::kDate, {}, {}, std::move(description), false, {}, {}, {}};
}
Key millisKey(std::string name, std::string description) {
  return Key{std::move(name), KeyType::kMillis, {}, {}, std::move(description), false, {}, 0, {}};
}
Key pathKey(std::string name, std::string description) {
  return Key{std::move(name), KeyType::kPath, {}, {}, std::move(description), false, {}, {}, {}};
}
Key urlKey(std::string name, std::vector<std::string> schemes, std::string description) {
  return Key{std::move(name), KeyType::kUrl, {}, {}, std::move(description), false, std::move(schemes), {}, {}};
}
Key timeOfDayKey(std::string name, std::string description) {
  return Key{std::move(name), KeyType::kTimeOfDay, {}, {}, std::move(description), false, {}, {}, {}};
}
Key listKey(std::string name, std::string description) {
  return Key{std::move(name), KeyType::kList, {}, {}, std::move(description), false, {}, {}, {}};
}

const Key* findKey(const std::vector<Key>& keys, std::string_view full) {
  for (const auto& k : keys)
    if (!k.isPattern() && k.name == full) return &k;
  for (const auto& k : keys)
    if (k.isPattern() && k.matches(full)) return &k;
  return nullptr;
}

std::string closestKey(const std::vector<Key>& keys, std::string_view full) {
  const std::string want = folded(full);
  std::string best;
  size_t bestDistance = std::max<size_t>(2, want.size() / 4) + 1;
  for (const auto& k : keys) {
    if (k.isPattern()) continue;
    const size_t d = editDistance(want, folded(k.name));
    if (d < bestDistance) {
      bestDistance = d;
      best = k.name;
    }
  }
  return best;
}

std::optional<int> parseTimeOfDay(std::string_view v) {
  const auto digit = [&v](size_t i) { return std::isdigit(static_cast<unsigned char>(v[i])) != 0; };
  if (v.size() != 5 || v[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4)) return std::nullopt;
  const int h = (v[0] - '0') * 10 + (v[1] - '0'), m = (v[3] - '0') * 10 + (v[4] - '0');
  if (h >= 24 || m >= 60) return std::nullopt;
  return h * 60 + m;
}

bool isCalendarDate(std::string_view v) {
  if (v.size() != 10 || v[4] != '-' || v[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(v[i]))) return false;
  const int y = std::stoi(std::string(v.substr(0, 4))), m = std::stoi(std::string(v.substr(5, 2))),
            d = std::stoi(std::string(v.substr(8, 2)));
  if (m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

}  // namespace reghub::config
