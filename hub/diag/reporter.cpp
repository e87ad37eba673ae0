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

// One narrowing: which part of the context it sets and to what. A chain of
// these, leaf to root, is a Reporter's context; the nearest setting wins,
// and `at` segments append to the nearest `withPath`.
struct Reporter::Scope {
  enum class Kind : uint8_t { kRegistry, kFile, kLine, kForloeb, kCitizen, kPath, kAt };
  Scope(std::shared_ptr<const Scope> p, Kind k, std::string t, int l = 0, int c = 0)
      : parent(std::move(p)), kind(k), text(std::move(t)), line(l), column(c) {}
  std::shared_ptr<const Scope> parent;
  Kind kind;
  std::string text;
  int line, column;
};

namespace {
using Kind = Reporter::Scope::Kind;
}  // namespace

Reporter::Reporter(Sink& sink, std::string registry)
    : sink_(&sink), scope_(std::make_shared<const Scope>(nullptr, Kind::kRegistry, std::move(registry))) {}

Reporter Reporter::withRegistry(std::string registry) const {
  return narrowed(std::make_shared<const Scope>(scope_, Kind::kRegistry, std::move(registry)));
}
Reporter Reporter::withFile(std::string file, int line) const {
  return narrowed(std::make_shared<const Scope>(scope_, Kind::kFile, std::move(file), line));
}
Reporter Reporter::withLine(int line, int column) const {
  return narrowed(std::make_shared<const Scope>(scope_, Kind::kLine, std::string(), line, column));
}
Reporter Reporter::withForloeb(std::string forloeb) const {
  return narrowed(std::make_shared<const Scope>(scope_, Kind::kForloeb, std::move(forloeb)));
}
Reporter Reporter::withCitizen(std::string maskedCpr) const {
  return narrowed(std::make_shared<const Scope>(scope_, Kind::kCitizen, std::move(maskedCpr)));
}
Reporter Reporter::withPath(std::string path) const {
  return narrowed(std::make_shared<const Scope>(scope_, Kind::kPath, std::move(path)));
}
Reporter Reporter::at(std::string_view segment) const {
  return narrowed(std::make_shared<const Scope>(scope_, Kind::kAt, std::string(segment)));
}

Diagnostic Reporter::context() const {
  Diagnostic d;
  bool registry = false, file = false, line = false, forloeb = false, citizen = false, path = false;
  std::vector<const std::string*> segments;  // leaf first
  for (const Scope* s = scope_.get(); s; s = s->parent.get()) {
    switch (s->kind) {
      case Kind::kRegistry:
        if (!registry) d.registry = s->text;
        registry = true;
        break;
      case Kind::kFile:
        if (!file) d.file = s->text;
        if (!line) d.line = s->line, d.column = 0;
        file = line = true;
        break;
      case Kind::kLine:
        if (!line) d.line = s->line, d.column = s->column;
        line = true;
        break;
      case Kind::kForloeb:
        if (!forloeb) d.forloeb = s->text;
        forloeb = true;
        break;
      case Kind::kCitizen:
        if (!citizen) d.citizen = s->text;
        citizen = true;
        break;
      case Kind::kPath:
        if (!path) d.path = s->text;
        path = true;
        break;
      case Kind::kAt:
        if (!path) segments.push_back(&s->text);
        break;
    }
  }
  for (auto it = segments.rbegin(); it != segments.rend(); ++it) d.path += **it;
  return d;
}

const std::string& Reporter::citizen() const {
  static const std::string kNone;
  for (const Scope* s = scope_.get(); s; s = s->parent.get())
    if (s->kind == Kind::kCitizen) return s->text;
  return kNone;
}

void Reporter::report(Severity s, std::string rule, std::string field, std::string message) const {
  Diagnostic d = context();
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
