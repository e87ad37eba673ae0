#pragma once
// Collecting diagnostics. A Sink receives finished diagnostics; a Reporter
// carries the context (registry, file, forløb, citizen, path prefix) so the
// code that finds a problem only says rule, field and message — in the
// manner of google/fhir's ScopedErrorReporter. Not thread-safe; one per
// worker.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hub/diag/diagnostic.h"

namespace reghub::diag {

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void report(Diagnostic d) = 0;
};

// Keeps every diagnostic and counts by severity.
class Collector final : public Sink {
 public:
  void report(Diagnostic d) override;
  const std::vector<Diagnostic>& diagnostics() const { return items_; }
  std::vector<Diagnostic> take() { return std::move(items_); }
  int count(Severity s) const { return counts_[static_cast<int>(s)]; }
  bool hasErrors() const { return count(Severity::kError) > 0; }
  void clear();

 private:
  std::vector<Diagnostic> items_;
  int counts_[3] = {0, 0, 0};
};

// Forwards to a callback (streaming output) and counts by severity.
class CallbackSink final : public Sink {
 public:
  explicit CallbackSink(std::function<void(const Diagnostic&)> fn) : fn_(std::move(fn)) {}
  void report(Diagnostic d) override;
  int count(Severity s) const { return counts_[static_cast<int>(s)]; }

 private:
  std::function<void(const Diagnostic&)> fn_;
  int counts_[3] = {0, 0, 0};
};

// Context for a subtree of the data. Copy it and narrow it as you walk:
//   Reporter r = base.forFile(f).forForloeb(...);  r.at(".item[3]").error(...)
// Narrowing is cheap, so narrow freely, also where nothing is reported: a
// Reporter holds only its own step (say, ".item[3]") and a link to its
// parent's (as google/fhir's ScopedErrorReporter does), never a copy of the
// context; the diagnostic's registry, file, forløb, citizen and element path
// are assembled only when something is reported. A step becomes a shared
// node when first narrowed further (inside a const call: share no Reporter
// between threads); a Reporter may outlive its parent, not its Sink.
class Reporter {
 public:
  explicit Reporter(Sink& sink, std::string registry = "hub");

  Reporter withRegistry(std::string registry) const;
  Reporter withFile(std::string file, int line = 0) const;
  Reporter withLine(int line, int column = 0) const;
  Reporter withForloeb(std::string forloeb) const;
  Reporter withCitizen(std::string maskedCpr) const;
  // Replaces the element path (e.g. "QuestionnaireResponse/qr-1").
  Reporter withPath(std::string path) const;
  // Appends to the element path (e.g. ".item[3]").
  Reporter at(std::string_view segment) const;

  void error(std::string rule, std::string field, std::string message) const;
  void warning(std::string rule, std::string field, std::string message) const;
  void info(std::string rule, std::string field, std::string message) const;
  void report(Severity s, std::string rule, std::string field, std::string message) const;

  // The context a diagnostic reported here would carry (assembled on each call).
  Diagnostic context() const;
  // The masked citizen of the context ("" if none), without assembling the rest.
  const std::string& citizen() const;
  Sink& sink() const { return *sink_; }

  // One narrowing step: which part of the context it sets, and to what.
  struct Step {
    enum class Kind : uint8_t { kRegistry, kFile, kLine, kForloeb, kCitizen, kPath, kAt };
    Kind kind;
    std::string text;
    int line = 0, column = 0;
  };
  struct Scope;  // a step with its parent (reporter.cpp)

 private:
  Reporter(Sink* sink, std::shared_ptr<const Scope> parent, Step step)
      : sink_(sink), parent_(std::move(parent)), step_(std::move(step)) {}
  Reporter narrowed(Step step) const;
  const std::shared_ptr<const Scope>& node() const;

  Sink* sink_;                                  // not owned; outlives every Reporter made from it
  std::shared_ptr<const Scope> parent_;         // null at the root
  Step step_;
  mutable std::shared_ptr<const Scope> node_;   // step_ + parent_, made when first narrowed
};

}  // namespace reghub::diag
