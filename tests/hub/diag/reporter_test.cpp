// The scoped reporter: narrowing steps link to their parent and the context
// is assembled when something is reported — nearest setting wins, `at`
// appends to the nearest `withPath`, and a narrowed reporter may outlive the
// one it came from.
#include "hub/diag/reporter.h"

#include <gtest/gtest.h>

#include <optional>

namespace {

using namespace reghub;

TEST(Reporter, NearestSettingWinsAndAtAppendsToTheNearestPath) {
  diag::Collector c;
  const diag::Reporter base = diag::Reporter(c, "ltt").withFile("in.ndjson", 3).withCitizen("0101**-****");
  const diag::Reporter entry = base.withPath("Bundle/b").at(".entry[1]").withForloeb("CarePlan/x");
  entry.at(".resource").at(".status").warning("R-1", "F", "m");
  entry.withPath("Patient/p").at(".id").withLine(7, 2).withRegistry("hub").error("R-2", "", "n");
  base.info("R-3", "", "o");
  ASSERT_EQ(c.diagnostics().size(), 3u);
  const diag::Diagnostic& w = c.diagnostics()[0];
  EXPECT_EQ(w.registry, "ltt");
  EXPECT_EQ(w.file, "in.ndjson");
  EXPECT_EQ(w.line, 3);
  EXPECT_EQ(w.path, "Bundle/b.entry[1].resource.status");
  EXPECT_EQ(w.forloeb, "CarePlan/x");
  EXPECT_EQ(w.citizen, "0101**-****");
  EXPECT_EQ(w.rule, "R-1");
  EXPECT_EQ(w.field, "F");
  const diag::Diagnostic& e = c.diagnostics()[1];
  EXPECT_EQ(e.registry, "hub");
  EXPECT_EQ(e.path, "Patient/p.id");
  EXPECT_EQ(e.line, 7);
  EXPECT_EQ(e.column, 2);
  EXPECT_EQ(e.severity, diag::Severity::kError);
  const diag::Diagnostic& i = c.diagnostics()[2];
  EXPECT_EQ(i.path, "");
  EXPECT_EQ(i.forloeb, "");
  EXPECT_EQ(c.count(diag::Severity::kError), 1);
}

TEST(Reporter, WithFileResetsTheColumnOfAnEarlierLine) {
  diag::Collector c;
  diag::Reporter(c).withLine(4, 9).withFile("b.json", 2).error("R", "", "m");
  EXPECT_EQ(c.diagnostics()[0].line, 2);
  EXPECT_EQ(c.diagnostics()[0].column, 0);
  EXPECT_EQ(c.diagnostics()[0].file, "b.json");
}

TEST(Reporter, ANarrowedReporterOutlivesItsParent) {
  diag::Collector c;
  std::optional<diag::Reporter> kept;
  {
    const diag::Reporter parent = diag::Reporter(c, "smdb").withForloeb("EpisodeOfCare/e");
    const diag::Reporter mid = parent.withPath("QuestionnaireResponse/q");
    kept = mid.at(".item[2]");
  }
  kept->error("R", "", "m");
  EXPECT_EQ(c.diagnostics()[0].path, "QuestionnaireResponse/q.item[2]");
  EXPECT_EQ(c.diagnostics()[0].forloeb, "EpisodeOfCare/e");
  EXPECT_EQ(kept->context().registry, "smdb");
  EXPECT_EQ(kept->citizen(), "");
  EXPECT_EQ(kept->withCitizen("0202**-****").citizen(), "0202**-****");
}

}  // namespace
