// `reghub synth --registry smdb` with seeded mistakes, then `reghub validate`:
// every seeded mistake is found with its rule id on its forløb, and nothing
// else is flagged at warning or error. Runs the real binary end to end.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace {

int run(const std::string& cmd) { return std::system(cmd.c_str()); }

std::vector<rapidjson::Document> readJsonLines(const fs::path& p) {
  std::vector<rapidjson::Document> out;
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    rapidjson::Document d;
    d.Parse(line.c_str());
    EXPECT_FALSE(d.HasParseError()) << line;
    if (!d.HasParseError()) out.push_back(std::move(d));
  }
  return out;
}

class SmdbSynth : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("smdb_synth_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(SmdbSynth, CleanDataHasNoFindings) {
  const fs::path data = dir_ / "clean.ndjson";
  ASSERT_EQ(run(std::string(REGHUB_BINARY) + " synth --registry smdb --citizens 300 --seed 11 --as-of 2026-11-01 --out " +
                data.string() + " 2>/dev/null"),
            0);
  const fs::path diags = dir_ / "clean.jsonl";
  const int rc = run(std::string(REGHUB_BINARY) + " validate --registry smdb --format json --as-of 2026-11-01 " +
                     data.string() + " > " + diags.string() + " 2>/dev/null");
  int findings = 0;
  for (const auto& d : readJsonLines(diags)) {
    const std::string sev = d["severity"].GetString();
    if (sev == "info") continue;
    ++findings;
    ADD_FAILURE() << d["rule"].GetString() << " " << d["forloeb"].GetString() << ": " << d["message"].GetString();
  }
  EXPECT_EQ(findings, 0);
  EXPECT_EQ(WEXITSTATUS(rc), 0);
  // The data really has SMDB forløb with every skema kind.
  std::ifstream in(data);
  std::stringstream ss;
  ss << in.rdbuf();
  for (const char* k : {"urn:reghub:smdb:ANM", "urn:reghub:smdb:IVAER", "urn:reghub:smdb:TILB", "urn:reghub:smdb:KVALHEP",
                        "urn:reghub:smdb:AFSL"})
    EXPECT_NE(ss.str().find(k), std::string::npos) << k;
}

TEST_F(SmdbSynth, EverySeededMistakeIsFoundWithItsRuleAndNothingElse) {
  const fs::path data = dir_ / "seeded.ndjson";
  const fs::path manifest = dir_ / "manifest.jsonl";
  ASSERT_EQ(run(std::string(REGHUB_BINARY) + " synth --registry smdb --citizens 600 --mistakes 0.6 --seed 5 --as-of 2026-11-01 --out " +
                data.string() + " --manifest " + manifest.string() + " 2>/dev/null"),
            0);
  std::multiset<std::pair<std::string, std::string>> seeded;  // (rule, forløb)
  std::set<std::string> rules;
  for (const auto& m : readJsonLines(manifest)) {
    seeded.insert({m["rule"].GetString(), m["forloeb"].GetString()});
    rules.insert(m["rule"].GetString());
  }
  ASSERT_GT(seeded.size(), 150u);
  EXPECT_GE(rules.size(), 35u) << "the seeds should exercise many rules";

  const fs::path diags = dir_ / "seeded.jsonl";
  run(std::string(REGHUB_BINARY) + " validate --registry smdb --format json --as-of 2026-11-01 " + data.string() + " > " +
      diags.string() + " 2>/dev/null");
  std::multiset<std::pair<std::string, std::string>> found;
  for (const auto& d : readJsonLines(diags)) {
    if (std::string(d["severity"].GetString()) == "info") continue;
    found.insert({d["rule"].GetString(), d["forloeb"].GetString()});
  }
  for (const auto& s : seeded)
    EXPECT_EQ(found.count(s), seeded.count(s)) << "seeded " << s.first << " on " << s.second;
  for (const auto& f : found) EXPECT_EQ(seeded.count(f), 1u) << "not seeded: " << f.first << " on " << f.second;
}

}  // namespace
