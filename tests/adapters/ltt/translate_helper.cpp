#include "tests/adapters/ltt/translate_helper.h"

#include "adapters/ltt/ltt_adapter.h"
#include "hub/engine/pipeline.h"
#include "hub/ingest/ingest.h"

namespace reghub::ltt::test {

namespace {
class Collect final : public engine::MessageSink {
 public:
  explicit Collect(std::vector<engine::OutboundMessage>& out) : out_(out) {}
  void accept(engine::OutboundMessage&& m) override { out_.push_back(std::move(m)); }

 private:
  std::vector<engine::OutboundMessage>& out_;
};
}  // namespace

TranslateResult translate(const std::vector<std::string>& paths, const std::string& asOf,
                          const std::optional<std::string>& since, const std::string& reportingStart,
                          const engine::PriorDeliveries* priorIn) {
  TranslateResult r;
  std::map<std::string, std::string> settings;
  if (!reportingStart.empty()) settings["ltt.reportingStart"] = reportingStart;
  const LttAdapter adapter(std::make_shared<const Settings>(Settings::fromConfig(config::Config::fromMap(settings))));
  engine::RunContext ctx;
  ctx.asOf = *model::Date::parse(asOf);
  if (since) ctx.since = *model::Date::parse(*since);
  diag::Collector sink;
  engine::NoPriorDeliveries none;
  const engine::PriorDeliveries& prior = priorIn ? *priorIn : none;
  Collect collect(r.messages);
  const diag::Reporter reporter(sink);
  engine::Pipeline pipeline({&adapter}, ctx, reporter, &collect, prior);
  ingest::Ingestor ingestor(pipeline, reporter);
  for (const auto& p : paths) ingestor.readPath(p);
  ingestor.finish();
  r.errors = sink.count(diag::Severity::kError);
  r.diagnostics = sink.take();
  return r;
}

}  // namespace reghub::ltt::test
