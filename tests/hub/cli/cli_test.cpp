// The `reghub` binary as a user runs it: exit codes and output per
// CONTRACT §3–4, and no full CPR number in any output.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "hub/model/cpr.h"

namespace {

const std::string kBin = REGHUB_BINARY;
const std::string kFixtures = std::string(REGHUB_SOURCE_DIR) + "/tests/hub/ingest/fixtures";

struct Result {
  int exitCode = -1;
  std::string out;  // stdout + stderr
};

Result run(const std::string& args) {
  Result r;
  const std::string cmd = kBin + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = pclose(p);
  r.exitCode = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::filesystem::path tempDir() {
  auto d = std::filesystem::temp_directory_path() /
           ("reghub-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::create_directories(d);
  return d;
}

// Every CPR of a synth file (the Patient identifiers).
std::set<std::string> cprsIn(const std::filesystem::path& ndjson) {
  std::ifstream in(ndjson);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::set<std::string> out;
  const std::regex re(R"re(urn:oid:1\.2\.208\.176\.1\.2","value":"([0-9]{10})")re");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.insert((*it)[1]);
  return out;
}

TEST(Cli, ValidateMixedFolderPrintsOneDiagnosticPerProblemAndExits2) {
  const Result r = run("validate --format json --as-of 2026-11-01 " + kFixtures + "/mixed");
  EXPECT_EQ(r.exitCode, 2) << r.out;
  int errorLines = 0;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);)
    if (line.find("\"severity\":\"error\"") != std::string::npos) ++errorLines;
  EXPECT_EQ(errorLines, 8) << r.out;  // 8 broken files, one error each
}

TEST(Cli, ValidateReadableFhirExits0Or1) {
  const Result r = run("validate --as-of 2026-11-01 " + kFixtures + "/valid");
  EXPECT_TRUE(r.exitCode == 0 || r.exitCode == 1) << r.out;
}

// A resourceType R4 does not define is not FHIR: exit 2, naming the type and the likely one.
TEST(Cli, ValidateUnknownResourceTypeExits2_HUB_INGEST_04) {
  const auto dir = tempDir();
  std::ofstream(dir / "typo.json") << R"({"resourceType":"Bundle","type":"collection","entry":[)"
                                      R"({"resource":{"resourceType":"Patient","id":"p1"}},)"
                                      R"({"resource":{"resourceType":"Patinet","id":"p2"}}]})";
  std::ofstream(dir / "fine.json") << R"({"resourceType":"Bundle","type":"collection","entry":[)"
                                      R"({"resource":{"resourceType":"Patient","id":"p1"}}]})";
  const Result bad = run("validate --format json " + (dir / "typo.json").string());
  EXPECT_EQ(bad.exitCode, 2) << bad.out;
  EXPECT_NE(bad.out.find("\"rule\":\"HUB-INGEST-04\""), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("Bundle.entry[1].resource"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("did you mean 'Patient'"), std::string::npos) << bad.out;
  const Result fine = run("validate " + (dir / "fine.json").string());
  EXPECT_EQ(fine.exitCode, 0) << fine.out;
  std::filesystem::remove_all(dir);
}

TEST(Cli, ValidateReadsStdin) {
  const Result r = run("validate --format json - < " + kFixtures + "/valid/smdb-forloeb.json");
  EXPECT_TRUE(r.exitCode == 0 || r.exitCode == 1) << r.out;
  EXPECT_NE(r.out.find("\"file\":\"-\""), std::string::npos) << r.out;
}

TEST(Cli, UsageErrorsExit2) {
  EXPECT_EQ(run("validate").exitCode, 2);
  EXPECT_EQ(run("validate --registry nosuch " + kFixtures + "/valid").exitCode, 2);
  EXPECT_EQ(run("validate --format yaml " + kFixtures + "/valid").exitCode, 2);
  EXPECT_EQ(run("validate --as-of 2026-13-01 " + kFixtures + "/valid").exitCode, 2);
  EXPECT_EQ(run("nosuchcommand").exitCode, 2);
  EXPECT_EQ(run("translate " + kFixtures + "/valid").exitCode, 2);  // --registry required
}

TEST(Cli, EveryCommandHasHelp) {
  for (const char* c : {"validate", "translate", "synth"}) {
    const Result r = run(std::string(c) + " --help");
    EXPECT_EQ(r.exitCode, 0) << c;
    EXPECT_NE(r.out.find("usage: reghub"), std::string::npos) << c;
  }
}

TEST(Cli, AdaptersRegistered) {
  const Result r = run("adapters");
  EXPECT_EQ(r.exitCode, 0);
  EXPECT_NE(r.out.find("smdb"), std::string::npos);
  EXPECT_NE(r.out.find("ltt"), std::string::npos);
}

TEST(Cli, SynthIsDeterministicForASeed) {
  const auto dir = tempDir();
  ASSERT_EQ(run("synth --citizens 30 --seed 7 --as-of 2026-11-01 --out " + (dir / "a.ndjson").string()).exitCode, 0);
  ASSERT_EQ(run("synth --citizens 30 --seed 7 --as-of 2026-11-01 --out " + (dir / "b.ndjson").string()).exitCode, 0);
  ASSERT_EQ(run("synth --citizens 30 --seed 8 --as-of 2026-11-01 --out " + (dir / "c.ndjson").string()).exitCode, 0);
  auto slurp = [](const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  EXPECT_EQ(slurp(dir / "a.ndjson"), slurp(dir / "b.ndjson"));
  EXPECT_NE(slurp(dir / "a.ndjson"), slurp(dir / "c.ndjson"));
  std::filesystem::remove_all(dir);
}

// A synthetic citizen born before October 2007 has a number that was never
// issued (fails modulus 11), so synth data cannot name a real person.
TEST(Cli, SynthCprsBornBefore2007WereNeverIssued) {
  const auto dir = tempDir();
  ASSERT_EQ(run("synth --citizens 300 --seed 11 --as-of 2026-11-01 --out " + (dir / "s.ndjson").string()).exitCode, 0);
  const auto cprs = cprsIn(dir / "s.ndjson");
  ASSERT_GT(cprs.size(), 250u);
  int before2007 = 0;
  for (const auto& digits : cprs) {
    const auto cpr = reghub::model::Cpr::parse(digits);
    ASSERT_TRUE(cpr);
    if (cpr->birthDate() >= *reghub::model::Date::fromYmd(2007, 10, 1)) continue;
    ++before2007;
    EXPECT_TRUE(reghub::model::neverIssued(*cpr)) << cpr->masked();
  }
  EXPECT_GT(before2007, 100);
  std::filesystem::remove_all(dir);
}

// No output of any command contains a full CPR number: run every command
// over synthetic data with known CPRs, with every option that prints more.
TEST(Cli, NoCommandOutputContainsAFullCpr) {
  const auto dir = tempDir();
  const auto data = dir / "in.ndjson";
  ASSERT_EQ(run("synth --citizens 80 --seed 3 --mistakes 0.3 --as-of 2026-11-01 --out " + data.string()).exitCode, 0);
  const auto cprs = cprsIn(data);
  ASSERT_GE(cprs.size(), 80u);
  std::string all;
  for (const std::string& args :
       {"validate --format json --as-of 2026-11-01 " + data.string(),
        "validate --format text --as-of 2026-11-01 " + data.string(),
        // Messages go to files (SMDB's SOAP carries the CPR by necessity);
        // what the command prints must not.
        "translate --registry smdb --as-of 2026-11-01 --out " + (dir / "out").string() + " " + data.string(),
        "translate --registry ltt --as-of 2026-11-01 --out " + (dir / "out").string() + " " + data.string()}) {
    all += run(args).out;
  }
  // Bad CPRs in errors are masked too.
  std::ofstream bad(dir / "bad.json");
  bad << R"({"resourceType":"Patient","id":"p","identifier":[{"system":"urn:oid:1.2.208.176.1.2","value":"3102801234"}]})";
  bad.close();
  all += run("validate --format json " + (dir / "bad.json").string()).out;
  EXPECT_EQ(all.find("3102801234"), std::string::npos);
  ASSERT_TRUE(std::filesystem::exists(dir / "out" / "smdb"));  // the messages were written
  for (const std::string& cpr : cprs)
    EXPECT_EQ(all.find(cpr), std::string::npos) << "full CPR in output (masked here): " << cpr.substr(0, 4);
  std::filesystem::remove_all(dir);
}

}  // namespace
