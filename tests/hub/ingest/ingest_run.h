#pragma once
// Runs the real Ingestor over paths or bytes and keeps what it produced:
// citizens, diagnostics, and whether the input was unreadable (exit 2).
// Shared by the tests of hub/ingest.
#include <string>
#include <string_view>
#include <vector>

#include "hub/diag/reporter.h"
#include "hub/ingest/ingest.h"

namespace reghub::ingest::test {

struct Capture final : Observer {
  std::vector<model::Citizen> citizens;
  std::vector<std::string> events;  // "source" / "citizen" in order
  void onSource(const SourceDocument&) override { events.push_back("source"); }
  void onCitizen(model::Citizen&& c) override {
    events.push_back("citizen");
    citizens.push_back(std::move(c));
  }
};

struct IngestRun {
  Capture capture;
  diag::Collector diags;
  bool unreadable = false;

  explicit IngestRun(const std::vector<std::string>& paths) {
    Ingestor in(capture, diag::Reporter(diags));
    for (const auto& p : paths) in.readPath(p);
    in.finish();
    unreadable = in.unreadable();
  }
  IngestRun(std::string_view name, std::string_view bytes, std::string_view contentType = {}) {
    Ingestor in(capture, diag::Reporter(diags));
    in.readBuffer(name, bytes, contentType);
    in.finish();
    unreadable = in.unreadable();
  }
  std::vector<const diag::Diagnostic*> withRule(const std::string& rule) const {
    std::vector<const diag::Diagnostic*> out;
    for (const auto& d : diags.diagnostics())
      if (d.rule == rule) out.push_back(&d);
    return out;
  }
  int errors() const { return diags.count(diag::Severity::kError); }
};

}  // namespace reghub::ingest::test
