#include "hub/diag/reporter.h"

namespace reghub::diag {

void Collector::report(Diagnostic d) {
  ++counts_[static_cast<int>(d.severity)];
  items_.push_back(std::move(d));
}

void Collector::clear() {
  items_.clear();
  counts_[0] = counts_[1] = counts_[2] = 0;
}

void CallbackSink::report(Diagnostic d) {
  ++counts_[static_cast<int>(d.severity)];
  fn_(d);
}

Reporter Reporter::withRegistry(std::string registry) const {
  Reporter r = *this;
  r.proto_.registry = std::move(registry);
  return r;
}
Reporter Reporter::withFile(std::string file, int line) const {
  Reporter r = *this;
  r.proto_.file = std::move(file);
  r.proto_.line = line;
  r.proto_.column = 0;
  return r;
}
Reporter Reporter::withLine(int line, int column) const {
  Reporter r = *this;
  r.proto_.line = line;
  r.proto_.column = column;
  return r;
}
Reporter Reporter::withForloeb(std::string forloeb) const {
  Reporter r = *this;
  r.proto_.forloeb = std::move(forloeb);
  return r;
}
Reporter Reporter::withCitizen(std::string maskedCpr) const {
  Reporter r = *this;
  r.proto_.citizen = std::move(maskedCpr);
  return r;
}
Reporter Reporter::withPath(std::string path) const {
  Reporter r = *this;
  r.proto_.path = std::move(path);
  return r;
}
Reporter Reporter::at(std::string_view segment) const {
  Reporter r = *this;
  r.proto_.path += segment;
  return r;
}

void Reporter::report(Severity s, std::string rule, std::string field, std::string message) const {
  Diagnostic d = proto_;
  d.severity = s;
  d.rule = std::move(rule);
  d.field = std::move(field);
  d.message = std::move(message);
  sink_->report(std::move(d));
}
void Reporter::error(std::string rule, std::string field, std::string message) const {
  report(Severity::kError, std::move(rule), std::move(field), std::move(message));
}
void Reporter::warning(std::string rule, std::string field, std::string message) const {
  report(Severity::kWarning, std::move(rule), std::move(field), std::move(message));
}
void Reporter::info(std::string rule, std::string field, std::string message) const {
  report(Severity::kInfo, std::move(rule), std::move(field), std::move(message));
}

}  // namespace reghub::diag
