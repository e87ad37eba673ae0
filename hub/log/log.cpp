#include "hub/log/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <ostream>

#include "hub/util/json_writer.h"
#include "hub/util/strings.h"

namespace reghub::log {

namespace {

struct Sink {
  std::mutex mu;
  std::ostream* out = nullptr;
  Format format = Format::kJson;
  std::atomic<int> minimum{100};  // off
};

Sink& sink() {
  static Sink s;
  return s;
}

std::string isoTime(int64_t millis) {
  const std::time_t secs = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];  // room for any int the compiler imagines
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis % 1000));
  return buf;
}

// A text value as a person reads it: bare when it has no space or quote.
void appendTextValue(std::string& out, const std::string& v) {
  if (!v.empty() && v.find_first_of(" \"=\n\t") == std::string::npos) {
    out += v;
    return;
  }
  util::appendJsonString(out, v);
}

}  // namespace

std::string_view toString(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
  }
  return "?";
}

std::optional<Level> parseLevel(std::string_view text) {
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarning, Level::kError})
    if (toString(l) == text) return l;
  return std::nullopt;
}

void configure(Format format, Level minimum, std::ostream& out) {
  Sink& s = sink();
  std::lock_guard lock(s.mu);
  s.out = &out;
  s.format = format;
  s.minimum = static_cast<int>(minimum);
}

void off() {
  Sink& s = sink();
  std::lock_guard lock(s.mu);
  s.minimum = 100;
  s.out = nullptr;
}

bool enabled(Level level) { return static_cast<int>(level) >= sink().minimum.load(); }

std::string formatLine(Format format, int64_t millis, Level level, std::string_view msg, const Fields& fields) {
  std::string line;
  const std::string masked = util::maskDigitRuns(std::string(msg));
  if (format == Format::kJson) {
    line = R"({"ts":")" + isoTime(millis) + R"(","level":")" + std::string(toString(level)) + R"(","msg":)";
    util::appendJsonString(line, masked);
    for (const Field& f : fields) {
      line += ",";
      util::appendJsonString(line, f.key);
      line += ":";
      if (f.number)
        line += std::to_string(*f.number);
      else
        util::appendJsonString(line, util::maskDigitRuns(f.text));
    }
    line += "}";
  } else {
    line = isoTime(millis) + " " + std::string(toString(level)) + " " + masked;
    for (const Field& f : fields) {
      line += " " + f.key + "=";
      if (f.number)
        line += std::to_string(*f.number);
      else
        appendTextValue(line, util::maskDigitRuns(f.text));
    }
  }
  return line;
}

void write(Level level, std::string_view msg, const Fields& fields) {
  if (!enabled(level)) return;
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  Sink& s = sink();
  std::lock_guard lock(s.mu);
  if (!s.out) return;
  *s.out << formatLine(s.format, now, level, msg, fields) << '\n' << std::flush;
}

}  // namespace reghub::log
