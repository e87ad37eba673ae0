#include "tests/adapters/rehab/rehab_test_util.h"

#include "adapters/rehab/rehab_adapter.h"
#include "hub/engine/pipeline.h"
#include "hub/ingest/ingest.h"

namespace reghub::rehab::test {

namespace {
class Collect final : public engine::MessageSink {
 public:
  explicit Collect(std::vector<engine::OutboundMessage>& out) : out_(out) {}
  void accept(engine::OutboundMessage&& m) override { out_.push_back(std::move(m)); }

 private:
  std::vector<engine::OutboundMessage>& out_;
};
}  // namespace

std::string sourceDir() { return REGHUB_SOURCE_DIR; }
std::string sharedDir() { return REGHUB_SHARED_DIR; }

TranslateResult translate(const std::vector<std::string>& paths, const std::string& asOf,
                          const std::optional<std::string>& since, const std::map<std::string, std::string>& settings) {
  TranslateResult r;
  const RehabAdapter adapter(std::make_shared<const Settings>(Settings::fromConfig(config::Config::fromMap(settings))));
  engine::RunContext ctx;
  ctx.asOf = *model::Date::parse(asOf);
  if (since) ctx.since = *model::Date::parse(*since);
  diag::Collector sink;
  engine::NoPriorDeliveries none;
  Collect collect(r.messages);
  const diag::Reporter reporter(sink);
  engine::Pipeline pipeline({&adapter}, ctx, reporter, &collect, none);
  ingest::Ingestor ingestor(pipeline, reporter);
  for (const auto& p : paths) ingestor.readPath(p);
  ingestor.finish();
  r.errors = sink.count(diag::Severity::kError);
  r.warnings = sink.count(diag::Severity::kWarning);
  r.diagnostics = sink.take();
  return r;
}

std::string show(const std::vector<diag::Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) out += diag::toTextLine(d) + "\n";
  return out;
}

bool hasRule(const std::vector<diag::Diagnostic>& ds, const std::string& rule, diag::Severity s) {
  for (const auto& d : ds)
    if (d.rule == rule && d.severity == s) return true;
  return false;
}

}  // namespace reghub::rehab::test
