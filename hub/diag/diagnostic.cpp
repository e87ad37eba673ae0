#include "hub/diag/diagnostic.h"

#include "hub/util/json_writer.h"

namespace reghub::diag {

std::string_view toString(Severity s) {
  switch (s) {
    case Severity::kInfo: return "info";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
  }
  return "error";
}

namespace {
void field(std::string& out, std::string_view key, std::string_view value) {
  out += ',';
  util::appendJsonString(out, key);
  out += ':';
  util::appendJsonString(out, value);
}
}  // namespace

std::string toJsonLine(const Diagnostic& d) {
  std::string out = "{\"registry\":";
  util::appendJsonString(out, d.registry);
  field(out, "severity", toString(d.severity));
  field(out, "rule", d.rule);
  if (!d.field.empty()) field(out, "field", d.field);
  field(out, "file", d.file);
  if (d.line > 0) out += ",\"line\":" + std::to_string(d.line);
  if (d.column > 0) out += ",\"column\":" + std::to_string(d.column);
  if (!d.path.empty()) field(out, "path", d.path);
  if (!d.forloeb.empty()) field(out, "forloeb", d.forloeb);
  if (!d.citizen.empty()) field(out, "citizen", d.citizen);
  field(out, "message", d.message);
  out += '}';
  return out;
}

std::string toTextLine(const Diagnostic& d) {
  std::string out = d.file.empty() ? std::string("-") : d.file;
  if (d.line > 0) {
    out += ':' + std::to_string(d.line);
    if (d.column > 0) out += ':' + std::to_string(d.column);
  }
  out += ": ";
  out += toString(d.severity);
  out += ' ';
  out += d.rule;
  if (!d.field.empty()) out += " [" + d.field + "]";
  if (!d.path.empty()) out += " at " + d.path;
  if (!d.forloeb.empty()) out += " (forløb " + d.forloeb + ")";
  if (!d.citizen.empty()) out += " (borger " + d.citizen + ")";
  out += ": ";
  out += d.message;
  return out;
}

}  // namespace reghub::diag
