#pragma once
// Small string helpers shared across the hub. Pure, thread-safe.
#include <string>
#include <string_view>
#include <vector>

namespace reghub::util {

bool startsWith(std::string_view s, std::string_view prefix);
bool endsWith(std::string_view s, std::string_view suffix);
std::vector<std::string> split(std::string_view s, char sep);
std::string trim(std::string_view s);
bool isAllDigits(std::string_view s);
// Replaces every run of ten or more digits, and every DDMMYY-SSSS, by its
// masked form ddmm**-**** (a CPR number can hide in any id or free text).
std::string maskDigitRuns(std::string text);

// Number of Unicode code points in valid UTF-8 (what "max N characters" in
// the specs counts: "æ" is one). Returns -1 for invalid UTF-8.
long utf8Length(std::string_view s);
bool isValidUtf8(std::string_view s);

}  // namespace reghub::util
