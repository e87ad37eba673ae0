// The routing pipeline: every adapter sees every citizen; a forløb with an
// error diagnostic is never rendered; others still are. The adapter here
// is a small test double of the seam (not of a real part).
#include "hub/engine/pipeline.h"

#include <gtest/gtest.h>

namespace {

using namespace reghub;

class TestAdapter final : public engine::Adapter {
 public:
  std::string_view name() const override { return "test"; }
  std::string_view description() const override { return "test double"; }
  bool understandsQuestionnaire(std::string_view q) const override { return q == "urn:test:form"; }
  bool selects(const model::Citizen&, const model::Forloeb& f, const engine::RunContext&,
               const diag::Reporter& out) const override {
    if (f.key == "skip") {
      out.info("TEST-SKIP", "", "not mine");
      return false;
    }
    return true;
  }
  void validate(const model::Citizen&, const std::vector<const model::Forloeb*>& selected, const engine::RunContext&,
                const diag::Reporter& out) const override {
    for (const auto* f : selected)
      if (f->key == "bad") out.withForloeb(f->display()).error("TEST-01", "1-X", "bad forløb");
  }
  std::vector<engine::OutboundMessage> render(const model::Citizen&, const std::vector<const model::Forloeb*>& selected,
                                              const engine::RunContext&,
                                              const engine::PriorDeliveries&) const override {
    std::vector<engine::OutboundMessage> out;
    for (const auto* f : selected) {
      engine::OutboundMessage m;
      m.registry = "test";
      m.idempotencyKey = f->key;
      out.push_back(m);
    }
    return out;
  }
  std::unique_ptr<engine::Deliverer> makeDeliverer() const override { return nullptr; }
  std::unique_ptr<engine::Sandbox> makeSandbox(const engine::SandboxOptions&) const override { return nullptr; }
};

struct Messages final : engine::MessageSink {
  std::vector<std::string> keys;
  void accept(engine::OutboundMessage&& m) override { keys.push_back(m.idempotencyKey); }
};

model::Citizen citizenWith(std::vector<std::string> keys, std::string questionnaire = "urn:test:form") {
  model::Citizen c;
  c.cpr = model::Cpr::parse("0101801234");
  for (auto& k : keys) {
    model::Forloeb f;
    f.key = k;
    f.resourceId = k;
    f.source.reference = "EpisodeOfCare/" + k;
    model::FormResponse form;
    form.questionnaire = questionnaire;
    f.forms.push_back(form);
    c.forloeb.push_back(std::move(f));
  }
  return c;
}

TEST(Pipeline, ForloebWithAnErrorIsNotRenderedOthersAre) {
  TestAdapter a;
  diag::Collector diags;
  Messages messages;
  engine::NoPriorDeliveries prior;
  engine::Pipeline p({&a}, {}, diag::Reporter(diags), &messages, prior);
  p.onCitizen(citizenWith({"good", "bad", "skip", "good2"}));
  const std::vector<std::string> expected = {"good", "good2"};
  EXPECT_EQ(messages.keys, expected);
  EXPECT_EQ(p.stats().forloebSelected, 3u);
  EXPECT_EQ(p.stats().forloebWithErrors, 1u);
  ASSERT_EQ(diags.count(diag::Severity::kError), 1);
  const auto& err = diags.diagnostics()[1];
  EXPECT_EQ(err.rule, "TEST-01");
  EXPECT_EQ(err.registry, "test");
  EXPECT_EQ(err.forloeb, "EpisodeOfCare/bad");
  EXPECT_EQ(err.citizen, "0101**-****");
}

TEST(Pipeline, UnknownQuestionnaireIsAWarning_HUB_FORM_01) {
  TestAdapter a;
  diag::Collector diags;
  engine::NoPriorDeliveries prior;
  engine::Pipeline p({&a}, {}, diag::Reporter(diags), nullptr, prior);
  p.setQuestionnaireCheck([&](std::string_view q) { return a.understandsQuestionnaire(q); });
  p.onCitizen(citizenWith({"good"}, "urn:other"));
  p.onCitizen(citizenWith({"good"}));
  int hub = 0;
  for (const auto& d : diags.diagnostics())
    if (d.rule == "HUB-FORM-01") {
      ++hub;
      EXPECT_EQ(d.severity, diag::Severity::kWarning);
    }
  EXPECT_EQ(hub, 1);
}

// An adapter that builds while validating: render gets back what prepare
// made for the same citizen, with the clean forløb, and prepare runs once.
class PreparingAdapter final : public engine::Adapter {
 public:
  struct Built final : engine::PreparedCitizen {
    using engine::PreparedCitizen::PreparedCitizen;
    std::string work;
  };
  mutable int prepares = 0, validates = 0, oneShotRenders = 0;
  std::string_view name() const override { return "prep"; }
  std::string_view description() const override { return "test double"; }
  bool selects(const model::Citizen&, const model::Forloeb&, const engine::RunContext&,
               const diag::Reporter&) const override {
    return true;
  }
  void validate(const model::Citizen&, const std::vector<const model::Forloeb*>&, const engine::RunContext&,
                const diag::Reporter&) const override {
    ++validates;
  }
  std::unique_ptr<const engine::PreparedCitizen> prepare(const model::Citizen& citizen,
                                                         const std::vector<const model::Forloeb*>& selected,
                                                         const engine::RunContext& ctx,
                                                         const diag::Reporter& out) const override {
    ++prepares;
    auto b = std::make_unique<Built>(citizen, selected, ctx);
    for (const auto* f : selected) {
      if (f->key == "bad") out.withForloeb(f->display()).error("TEST-01", "", "bad forløb");
      b->work += f->key + ";";
    }
    return b;
  }
  std::vector<engine::OutboundMessage> render(const model::Citizen&, const std::vector<const model::Forloeb*>&,
                                              const engine::RunContext&,
                                              const engine::PriorDeliveries&) const override {
    ++oneShotRenders;
    return {};
  }
  std::vector<engine::OutboundMessage> render(const engine::PreparedCitizen& prepared,
                                              const std::vector<const model::Forloeb*>& clean,
                                              const engine::PriorDeliveries&) const override {
    const auto& b = dynamic_cast<const Built&>(prepared);
    std::vector<engine::OutboundMessage> out;
    for (const auto* f : clean) {
      engine::OutboundMessage m;
      m.idempotencyKey = f->key + "@" + b.work + "/" + std::to_string(b.selected().size());
      out.push_back(m);
    }
    return out;
  }
  std::unique_ptr<engine::Deliverer> makeDeliverer() const override { return nullptr; }
  std::unique_ptr<engine::Sandbox> makeSandbox(const engine::SandboxOptions&) const override { return nullptr; }
};

TEST(Pipeline, RenderUsesWhatPrepareBuiltForTheCitizen) {
  PreparingAdapter a;
  diag::Collector diags;
  Messages messages;
  engine::NoPriorDeliveries prior;
  engine::Pipeline p({&a}, {}, diag::Reporter(diags), &messages, prior);
  p.onCitizen(citizenWith({"good", "bad", "good2"}));
  const std::vector<std::string> expected = {"good@good;bad;good2;/3", "good2@good;bad;good2;/3"};
  EXPECT_EQ(messages.keys, expected);
  EXPECT_EQ(a.prepares, 1);
  EXPECT_EQ(a.validates, 0);
  EXPECT_EQ(a.oneShotRenders, 0);
  EXPECT_EQ(diags.count(diag::Severity::kError), 1);
}

TEST(Pipeline, TheDefaultPrepareValidatesAndRendersOnce) {
  TestAdapter a;
  diag::Collector diags;
  const model::Citizen c = citizenWith({"good", "bad"});
  const std::vector<const model::Forloeb*> selected = {&c.forloeb[0], &c.forloeb[1]};
  const auto prepared = a.prepare(c, selected, {}, diag::Reporter(diags));
  EXPECT_EQ(diags.count(diag::Severity::kError), 1);
  EXPECT_EQ(&prepared->citizen(), &c);
  EXPECT_EQ(prepared->selected(), selected);
  const engine::Adapter& seam = a;
  const auto messages = seam.render(*prepared, {selected[0]}, engine::NoPriorDeliveries());
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].idempotencyKey, "good");
}

}  // namespace
