#pragma once
// The service's log (issue 13 "Structured logs"): one line per event on
// stderr — JSON lines for journald and log shippers (log.format = json,
// the default) or text for a person (text) — with a time, a level, a
// message and named fields:
//   {"ts":"2026-12-01T14:03:12.345Z","level":"info","msg":"request","requestId":"…","status":202,…}
// What is logged never holds a body, a token, a key or a CPR number: every
// text field (and the message) is passed through util::maskDigitRuns, so a
// CPR that reaches a log line all the same shows as ddmm**-****.
//
// Off until configure() (the CLI commands print for a person; `reghub run`
// logs). Process-wide; thread-safe (a line is written whole under a mutex).
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reghub::log {

enum class Level { kDebug, kInfo, kWarning, kError };
enum class Format { kJson, kText };

std::string_view toString(Level level);
std::optional<Level> parseLevel(std::string_view text);

// One named value of a line: text or a number (written unquoted in JSON).
struct Field {
  Field(std::string k, std::string v) : key(std::move(k)), text(std::move(v)) {}
  Field(std::string k, const char* v) : key(std::move(k)), text(v ? v : "") {}
  Field(std::string k, int64_t v) : key(std::move(k)), number(v) {}
  Field(std::string k, int v) : key(std::move(k)), number(v) {}
  Field(std::string k, size_t v) : key(std::move(k)), number(static_cast<int64_t>(v)) {}
  std::string key;
  std::string text;
  std::optional<int64_t> number;
};
using Fields = std::vector<Field>;

// Lines at `minimum` and above go to `out` (not owned; must outlive the
// logging), in `format`.
void configure(Format format, Level minimum, std::ostream& out);
void off();
bool enabled(Level level);

void write(Level level, std::string_view msg, const Fields& fields = {});
inline void debug(std::string_view msg, const Fields& f = {}) { write(Level::kDebug, msg, f); }
inline void info(std::string_view msg, const Fields& f = {}) { write(Level::kInfo, msg, f); }
inline void warning(std::string_view msg, const Fields& f = {}) { write(Level::kWarning, msg, f); }
inline void error(std::string_view msg, const Fields& f = {}) { write(Level::kError, msg, f); }

// One line as configure() would write it at `millis` (tests, and write()).
std::string formatLine(Format format, int64_t millis, Level level, std::string_view msg, const Fields& fields);

}  // namespace reghub::log
