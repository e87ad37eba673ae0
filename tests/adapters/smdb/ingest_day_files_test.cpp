// Incremental feeds through the delivery store (issue 8, CONTRACT §1 "Deltas"):
// a handful of valid SMDB case folders split into day files and ingested one
// `reghub ingest` per file, in order, the way a case system sends them. In the
// store the hub keeps each citizen's resources, so a later skema joins the
// Patient ingested earlier: no HUB-REF-01 on any file, the messages queued
// over all days are the messages `translate` renders for the whole input.json,
// and sending every file again (and then the whole file) queues nothing.
// Compiled twice: SQLite, and PostgreSQL (REGHUB_TEST_BACKEND_PG, "pg" fixture).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <regex>

#include "tests/adapters/smdb/day_files.h"
#include "tests/adapters/smdb/smdb_test_util.h"
#include "tests/support/store_test_support.h"

namespace fs = std::filesystem;
using namespace smdb_test;

namespace {

const std::string kAsOf = "2026-06-01";
const std::string kKeyEnv = "REGHUB_STORE_KEY=AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";  // tests only

// The base forløb and keep cases that cover the message kinds: anmodning sent
// inside the afslutning (never iværksat), several tilknytninger handed over on
// one day, two forløb of one citizen, a withdrawn KvalHep.
const std::vector<std::string> kCasesForTheStore = {
    "BASE__keep_complete_forloeb",
    "SMDB-IVAER-02__keep_anmodning_and_afslutning_only",
    "SMDB-TILB-11__keep_same_day_handover",
    "SMDB-ANM-01__keep_second_after_afslutning",
    "SMDB-KVAL-06__keep_kvalhep_withdrawn_only",
};

struct Param {
  std::string caseName;
  Shape shape;
};
void PrintTo(const Param& p, std::ostream* os) {
  *os << p.caseName << " as " << toString(p.shape);
}

std::vector<Param> params() {
  std::vector<Param> out;
  for (const auto& c : kCasesForTheStore)
    for (Shape s : {Shape::kBundles, Shape::kResources}) out.push_back({c, s});
  return out;
}

// "N meddelelser i kø" from ingest's summary on stderr; -1 when it is not there.
int queuedOf(const CliResult& r) {
  std::smatch m;
  if (!std::regex_search(r.err, m, std::regex("([0-9]+) meddelelser i kø"))) return -1;
  return std::stoi(m[1]);
}

// The sum of `reghub status --format json` counts for smdb, over all states.
int storedSmdbMessages(const rapidjson::Document& status) {
  int n = 0;
  if (!status.IsObject() || !status.HasMember("counts") || !status["counts"].IsArray()) return -1;
  for (const auto& c : status["counts"].GetArray())
    if (c.HasMember("registry") && std::string(c["registry"].GetString()) == "smdb") n += c["count"].GetInt();
  return n;
}

class SmdbIngestDayByDay : public ::testing::TestWithParam<Param> {
 protected:
  SmdbIngestDayByDay() : scratch_("smdb-ingest-days"), caseDir_(kCases / GetParam().caseName) {
#ifdef REGHUB_TEST_BACKEND_PG
    std::string schema = "smdb_days_";
    for (char c : testName(GetParam().caseName).substr(0, 24) + "_" + toString(GetParam().shape))
      schema.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    store_ = reghub::testing::freshPgSchemaUrl(schema);  // throws with the reason when PostgreSQL is not there
#else
    store_ = "sqlite:" + (scratch_.path() / "x.db").string();
#endif
  }

  CliResult ingest(const fs::path& file) {
    return runReghub({"ingest", "--store", store_, "--format", "json", "--as-of", kAsOf, file.string()},
                     scratch_.path(), {kKeyEnv});
  }

  int status() {
    const CliResult r = runReghub({"status", "--store", store_, "--format", "json"}, scratch_.path(), {kKeyEnv});
    EXPECT_EQ(r.exit, 0) << r.err;
    rapidjson::Document d;
    d.Parse(r.out.c_str());
    EXPECT_FALSE(d.HasParseError()) << "status --format json is not JSON";
    return d.HasParseError() ? -1 : storedSmdbMessages(d);
  }

  ScratchDir scratch_;
  fs::path caseDir_;
  std::string store_;
};

TEST_P(SmdbIngestDayByDay, EachDayFileJoinsTheStoredCitizenAndEveryMessageIsQueuedOnce) {
  // What the whole story renders, from the stateless run over input.json.
  const fs::path wholeOut = scratch_.path() / "out-whole";
  const CliResult whole = runReghub({"translate", "--registry", "smdb", "--as-of", kAsOf, "--out", wholeOut.string(),
                                     (caseDir_ / "input.json").string()},
                                    scratch_.path());
  ASSERT_EQ(whole.exit, 0) << whole.err;
  const int expected = static_cast<int>(readTree(wholeOut).size());
  ASSERT_GT(expected, 0) << "a valid forløb renders messages";

  const auto files = writeDayFiles(caseDir_ / "input.json", scratch_.path() / "days", GetParam().shape);
  int queued = 0;
  for (const fs::path& f : files) {
    SCOPED_TRACE("day file " + f.filename().string());
    const CliResult r = ingest(f);
    EXPECT_NE(r.exit, 2) << r.err;
    EXPECT_EQ(countRule(r.out, "HUB-REF-01"), 0)
        << "HUB-REF-01: the skema was not joined to the Patient ingested from an earlier file";
    const int n = queuedOf(r);
    ASSERT_GE(n, 0) << "no 'N meddelelser i kø' in the ingest summary:\n" << r.err;
    queued += n;
  }
  EXPECT_EQ(queued, expected) << "messages queued over the day files vs. translate over the whole input.json";
  EXPECT_EQ(status(), expected) << "messages in the store (reghub status)";

  // The same files again, then the whole story at once: nothing has changed.
  int again = 0;
  for (const fs::path& f : files) {
    SCOPED_TRACE("again: day file " + f.filename().string());
    const CliResult r = ingest(f);
    EXPECT_EQ(countRule(r.out, "HUB-REF-01"), 0);
    const int n = queuedOf(r);
    ASSERT_GE(n, 0) << r.err;
    again += n;
  }
  EXPECT_EQ(again, 0) << "re-sent day files queued messages again";
  const CliResult all = ingest(caseDir_ / "input.json");
  EXPECT_EQ(queuedOf(all), 0) << "the whole input.json after its day files queued messages again";
  EXPECT_EQ(status(), expected) << "messages in the store after the re-sends";
}

INSTANTIATE_TEST_SUITE_P(Cases, SmdbIngestDayByDay, ::testing::ValuesIn(params()),
                         [](const ::testing::TestParamInfo<Param>& info) {
                           return testName(info.param.caseName) + "_" + toString(info.param.shape);
                         });

}  // namespace
