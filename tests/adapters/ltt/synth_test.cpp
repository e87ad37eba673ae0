// `reghub synth` with the LTT adapter: generated LTT forløb (children 5–17,
// UI treatment codes, activity from 2026-03) translate without error, and
// every seeded mistake is reported with the rule id the manifest records —
// and nothing else is. Runs the real binary (REGHUB_BINARY).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "tests/adapters/ltt/test_util.h"
#include "tests/hub/net/test_dir.h"

namespace reghub::ltt {
namespace {

std::string run(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *status = ::pclose(p);
  return out;
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find('\n', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

TEST(LttSynth, SeededMistakesAreFoundWithTheirRuleIdAndNothingElse) {
  reghub::test::TempDir dir;
  const std::string bin = REGHUB_BINARY;
  for (const char* seed : {"11", "12"}) {
    const std::string data = dir.str() + "/in-" + seed + ".ndjson", manifest = dir.str() + "/m-" + seed + ".jsonl";
    int st = 0;
    run(bin + " synth --registry ltt --citizens 150 --seed " + seed + " --as-of 2026-07-01 --mistakes 0.4 --out " +
            data + " --manifest " + manifest + " 2>/dev/null",
        &st);
    ASSERT_EQ(st, 0);
    std::multiset<std::pair<std::string, std::string>> seeded;
    for (const auto& l : lines(test::readFile(manifest))) {
      const auto d = test::parseJson(l);
      seeded.insert({d["rule"].GetString(), d["forloeb"].GetString()});
    }
    ASSERT_GT(seeded.size(), 3u) << "the run should seed some mistakes";
    const std::string out =
        run(bin + " validate --registry ltt --as-of 2026-07-01 --format json " + data + " 2>/dev/null", &st);
    std::multiset<std::pair<std::string, std::string>> errors;
    for (const auto& l : lines(out)) {
      const auto d = test::parseJson(l);
      if (d.HasMember("citizen")) {
        EXPECT_EQ(std::string(d["citizen"].GetString()).find_first_of("0123456789", 4), std::string::npos);
      }
      if (std::string(d["severity"].GetString()) == "error")
        errors.insert({d["rule"].GetString(), d.HasMember("forloeb") ? d["forloeb"].GetString() : ""});
    }
    EXPECT_EQ(errors, seeded);
    EXPECT_EQ(WEXITSTATUS(st), 1);
  }
}

TEST(LttSynth, CleanDataTranslatesWithoutErrors) {
  reghub::test::TempDir dir;
  const std::string bin = REGHUB_BINARY;
  const std::string data = dir.str() + "/in.ndjson";
  int st = 0;
  run(bin + " synth --registry ltt --citizens 120 --seed 5 --as-of 2026-07-01 --out " + data + " 2>/dev/null", &st);
  ASSERT_EQ(st, 0);
  const std::string out = run(bin + " translate --registry ltt --as-of 2026-07-01 --out " + dir.str() + "/out " + data +
                                  " --format json 2>&1",
                              &st);
  EXPECT_EQ(WEXITSTATUS(st), 0) << out;
  for (const auto& l : lines(out)) {
    const auto d = test::parseJson(l);
    EXPECT_STRNE(d["severity"].GetString(), "error") << l;
  }
  size_t reports = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir.str() + "/out"))
    if (e.is_regular_file()) {
      ++reports;
      const auto b = test::parseJson(test::readFile(e.path().string()));
      EXPECT_STREQ(b["resourceType"].GetString(), "Bundle");
      // The UI codes are never sent.
      EXPECT_EQ(test::readFile(e.path().string()).find("ca52f015-193e-4d31-9471-7385717dfa44"), std::string::npos);
    }
  EXPECT_GT(reports, 10u);
}

}  // namespace
}  // namespace reghub::ltt
