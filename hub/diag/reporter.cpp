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

struct Reporter::Scope {
  Scope(std::shared_ptr<const Scope> p, Step s) : parent(std::move(p)), step(std::move(s)) {}
  std::shared_ptr<const Scope> parent;
  Step step;
};

namespace {
using Kind = Reporter::Step::Kind;

// Assembles a context from the steps, leaf to root: the nearest setting
// wins, and `at` segments append to the nearest `withPath`.
class Assembly {
 public:
  void add(const Reporter::Step& s) {
    switch (s.kind) {
      case Kind::kRegistry:
        if (!registry_) d_.registry = s.text;
        registry_ = true;
        break;
      case Kind::kFile:
        if (!file_) d_.file = s.text;
        if (!line_) d_.line = s.line, d_.column = 0;
        file_ = line_ = true;
        break;
      case Kind::kLine:
        if (!line_) d_.line = s.line, d_.column = s.column;
        line_ = true;
        break;
      case Kind::kForloeb:
        if (!forloeb_) d_.forloeb = s.text;
        forloeb_ = true;
        break;
      case Kind::kCitizen:
        if (!citizen_) d_.citizen = s.text;
        citizen_ = true;
        break;
      case Kind::kPath:
        if (!path_) d_.path = s.text;
        path_ = true;
        break;
      case Kind::kAt:
        if (!path_) segments_.push_back(&s.text);
        break;
    }
  }
  Diagnostic finish() && {
    for (auto it = segments_.rbegin(); it != segments_.rend(); ++it) d_.path += **it;
    return std::move(d_);
  }

 private:
  Diagnostic d_;
  bool registry_ = false, file_ = false, line_ = false, forloeb_ = false, citizen_ = false, path_ = false;
  std::vector<const std::string*> segments_;  // leaf first
};
}  // namespace

Reporter::Reporter(Sink& sink, std::string registry) : sink_(&sink), step_{Kind::kRegistry, std::move(registry)} {}

const std::shared_ptr<const Reporter::Scope>& Reporter::node() const {
  if (!node_) node_ = std::make_shared<const Scope>(parent_, step_);
  return node_;
}

Reporter Reporter::narrowed(Step step) const { return Reporter(sink_, node(), std::move(step)); }

Reporter Reporter::withRegistry(std::string registry) const { return narrowed({Kind::kRegistry, std::move(registry)}); }
Reporter Reporter::withFile(std::string file, int line) const { return narrowed({Kind::kFile, std::move(file), line}); }
Reporter Reporter::withLine(int line, int column) const { return narrowed({Kind::kLine, {}, line, column}); }
Reporter Reporter::withForloeb(std::string forloeb) const { return narrowed({Kind::kForloeb, std::move(forloeb)}); }
Reporter Reporter::withCitizen(std::string maskedCpr) const { return narrowed({Kind::kCitizen, std::move(maskedCpr)}); }
Reporter Reporter::withPath(std::string path) const { return narrowed({Kind::kPath, std::move(path)}); }
Reporter Reporter::at(std::string_view segment) const { return narrowed({Kind::kAt, std::string(segment)}); }

Diagnostic Reporter::context() const {
  Assembly a;
  a.add(step_);
  for (const Scope* s = parent_.get(); s; s = s->parent.get()) a.add(s->step);
  return std::move(a).finish();
}

const std::string& Reporter::citizen() const {
  static const std::string kNone;
  if (step_.kind == Kind::kCitizen) return step_.text;
  for (const Scope* s = parent_.get(); s; s = s->parent.get())
    if (s->step.kind == Kind::kCitizen) return s->step.text;
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
