// The IG's Josefine story as a kommune case system sends it day by day
// (josefine_delta/: the Patient once on day 1, then only what changed; NDJSON
// on two days, a bare resource on one, the Patient alone re-sent unchanged in
// a Bundle on 2025-09-01; the case system's extras everywhere). Incremental feeds (issue 8,
// CONTRACT §1 "Deltas"): in one `reghub translate` run all files are one input,
// so `translate --as-of D --since D` over the files up to day D gives D's
// DeliveryReport — the same bytes as over one Bundle of the same resources —
// which validates clean, holds exactly D's new or changed kontakter and
// henvisninger, and nothing the IG does not permit (names, addresses, telecom,
// Practitioner, the case system's participant, location, free text, local
// identifiers). The extras are `info` diagnostics, never warnings or errors.
// Through the store, one `reghub ingest` per day file queues each day's report
// once and nothing when the files are sent again.
// Runs the real binary (REGHUB_BINARY); the story is from 2025, so
// REGHUB_LTT_REPORTING_START=2025-01-01 (see josefine/README.md).
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>

#include "tests/adapters/ltt/test_util.h"

namespace reghub::ltt {
namespace {

namespace fs = std::filesystem;
using rapidjson::Value;

fs::path seriesDir() {
  return fs::path(test::sourceDir()) / "tests/adapters/ltt/josefine_delta";
}

// The day files, sorted: their names start with the day they were sent.
std::vector<fs::path> dayFiles() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(seriesDir())) {
    const std::string ext = e.path().extension().string();
    if ((ext == ".json" || ext == ".ndjson") && e.path().filename().string().rfind("20", 0) == 0)
      out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}
std::string dayOf(const fs::path& file) {
  return file.filename().string().substr(0, 10);
}

// The resources of one inbound file (a Bundle's entries, NDJSON lines, or a bare resource).
std::vector<rapidjson::Document> resourcesOf(const fs::path& file) {
  std::vector<std::string> texts;
  const std::string all = test::readFile(file.string());
  if (file.extension() == ".ndjson") {
    size_t i = 0;
    while (i < all.size()) {
      size_t j = all.find('\n', i);
      if (j == std::string::npos) j = all.size();
      if (j > i) texts.push_back(all.substr(i, j - i));
      i = j + 1;
    }
  } else {
    texts.push_back(all);
  }
  std::vector<rapidjson::Document> out;
  for (const std::string& t : texts) {
    rapidjson::Document d = test::parseJson(t);
    if (std::string(d["resourceType"].GetString()) == "Bundle") {
      for (const auto& e : d["entry"].GetArray()) {
        rapidjson::Document r;
        r.CopyFrom(e["resource"], r.GetAllocator());
        out.push_back(std::move(r));
      }
    } else {
      out.push_back(std::move(d));
    }
  }
  return out;
}

// The day a resource counts as changed (CONTRACT §3): its meta.lastUpdated's
// day. The series writes lastUpdated in Copenhagen local time, so that day is
// the timestamp's first ten characters.
std::string changedOn(const Value& r) {
  if (!r.HasMember("meta") || !r["meta"].HasMember("lastUpdated")) return "";
  return std::string(r["meta"]["lastUpdated"].GetString()).substr(0, 10);
}

// The days on which something changed: a report is due for each of them.
std::vector<std::string> changeDays() {
  std::set<std::string> days;
  for (const fs::path& f : dayFiles())
    for (const auto& r : resourcesOf(f))
      if (changedOn(r) == dayOf(f)) days.insert(dayOf(f));
  return {days.begin(), days.end()};
}

using test::CliResult;

class Scratch {
 public:
  Scratch() {
    std::string t = (fs::temp_directory_path() / "ltt-josefine-delta-XXXXXX").string();
    if (!::mkdtemp(t.data())) throw std::runtime_error("mkdtemp");
    path_ = t;
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// `env`: more NAME=VALUE settings for the command.
CliResult reghub(const std::string& args, const fs::path& scratch, const std::string& env = "") {
  return test::runCommand(
      "REGHUB_LTT_REPORTING_START=2025-01-01 " + env + " " + std::string(REGHUB_BINARY) + " " + args,
      (scratch / "stderr.txt").string());
}

std::string join(const std::vector<fs::path>& files) {
  std::string s;
  for (const auto& f : files) s += " " + f.string();
  return s;
}

// One JSON diagnostic per line; `bad` collects the lines at warning or error
// as "severity rule path" (no message: never print more than the hub's masks).
struct Diagnostics {
  std::vector<rapidjson::Document> all;
  std::string bad;
  int hubRef01 = 0;
};
Diagnostics diagnostics(const std::string& jsonLines) {
  Diagnostics ds;
  size_t i = 0;
  while (i < jsonLines.size()) {
    size_t j = jsonLines.find('\n', i);
    if (j == std::string::npos) j = jsonLines.size();
    const std::string line = jsonLines.substr(i, j - i);
    i = j + 1;
    if (line.empty()) continue;
    rapidjson::Document d;
    d.Parse(line.c_str());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("severity")) {
      ds.bad += "(not a JSON diagnostic line)\n";
      continue;
    }
    const std::string sev = d["severity"].GetString(), rule = d["rule"].GetString();
    const std::string path = d.HasMember("path") ? d["path"].GetString() : "";
    if (sev != "info") ds.bad += sev + " " + rule + " " + path + "\n";
    if (rule == "HUB-REF-01") ++ds.hubRef01;
    ds.all.push_back(std::move(d));
  }
  return ds;
}

// Every file under dir: relative path → bytes.
std::map<std::string, std::string> readTree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  if (fs::is_directory(dir))
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.is_regular_file()) out[fs::relative(e.path(), dir).generic_string()] = test::readFile(e.path().string());
  return out;
}

// The same resources as `files`, in the same order, as one Bundle: the shape
// the hub has always read (the whole story in one document).
fs::path writeAsOneBundle(const std::vector<fs::path>& files, const fs::path& to) {
  rapidjson::Document b(rapidjson::kObjectType);
  auto& al = b.GetAllocator();
  b.AddMember("resourceType", "Bundle", al);
  b.AddMember("type", "collection", al);
  Value entries(rapidjson::kArrayType);
  for (const fs::path& f : files)
    for (const auto& r : resourcesOf(f)) {
      Value e(rapidjson::kObjectType);
      e.AddMember("resource", Value(r, al), al);
      entries.PushBack(e, al);
    }
  b.AddMember("entry", entries, al);
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  b.Accept(w);
  std::ofstream(to, std::ios::binary) << sb.GetString();
  return to;
}

std::string periodStart(const Value& r) {
  return r.HasMember("period") && r["period"].HasMember("start") ? r["period"]["start"].GetString() : "";
}
bool isHenvisning(const Value& r) {
  return std::string(r["resourceType"].GetString()) == "CarePlan" && r.HasMember("basedOn");
}

// Kontakter and henvisninger by type and period.start: "Encounter 2025-…", "henvisning 2025-…".
std::multiset<std::string> eventsOf(const std::vector<const Value*>& resources) {
  std::multiset<std::string> out;
  for (const Value* r : resources) {
    if (std::string((*r)["resourceType"].GetString()) == "Encounter") out.insert("Encounter " + periodStart(*r));
    if (isHenvisning(*r)) out.insert("henvisning " + periodStart(*r));
  }
  return out;
}

// What the sender sent that must never reach the registry: the Patient's
// name, address and telecom, the Practitioner's name and telecom, free text,
// the case system's identifier system and fullUrl base.
std::vector<std::string> forbiddenStrings() {
  std::vector<std::string> out = {
      "Practitioner", "PPRF",     "v3-ParticipationType", "individual",  "\"location\"",        "\"note\"",
      "\"div\"",      "\"text\"", "sendes aldrig",        "urn:kommune", "sag.aabenraa.example"};
  for (const fs::path& f : dayFiles())
    for (const auto& r : resourcesOf(f)) {
      const std::string type = r["resourceType"].GetString();
      if (type != "Patient" && type != "Practitioner") continue;
      // Names of four letters or more (a short given name could be part of a code's display).
      const auto name = [&](const std::string& n) {
        if (n.size() >= 4) out.push_back(n);
      };
      if (r.HasMember("name"))
        for (const auto& n : r["name"].GetArray()) {
          if (n.HasMember("family")) name(n["family"].GetString());
          if (n.HasMember("given"))
            for (const auto& g : n["given"].GetArray()) name(g.GetString());
        }
      if (r.HasMember("address"))
        for (const auto& a : r["address"].GetArray())
          for (const auto& l : a["line"].GetArray()) out.push_back(l.GetString());
      if (r.HasMember("telecom"))
        for (const auto& t : r["telecom"].GetArray()) out.push_back(t["value"].GetString());
    }
  return out;
}

// The participant.type codings the IG's own examples use ("system|code").
std::set<std::string> igParticipantTypes() {
  std::set<std::string> out;
  std::function<void(const Value&)> walk = [&](const Value& v) {
    if (v.IsObject()) {
      if (v.HasMember("resourceType") && std::string(v["resourceType"].GetString()) == "Encounter" &&
          v.HasMember("participant"))
        for (const auto& p : v["participant"].GetArray())
          for (const auto& t : p["type"].GetArray())
            for (const auto& c : t["coding"].GetArray())
              out.insert(std::string(c["system"].GetString()) + "|" + c["code"].GetString());
      for (const auto& m : v.GetObject()) walk(m.value);
    } else if (v.IsArray()) {
      for (const auto& x : v.GetArray()) walk(x);
    }
  };
  for (const auto& e : fs::directory_iterator(fs::path(test::sharedDir()) / "reference/ltt/examples"))
    if (e.path().extension() == ".json") walk(test::parseJson(test::readFile(e.path().string())));
  return out;
}

class JosefineDeltaDay : public ::testing::TestWithParam<std::string> {};

TEST_P(JosefineDeltaDay, ReportOfTheDayFromTheDayFilesHoldsOnlyThatDaysChangesAndNothingTheIgForbids) {
  const std::string day = GetParam();
  Scratch scratch;
  std::vector<fs::path> files;
  for (const fs::path& f : dayFiles())
    if (dayOf(f) <= day) files.push_back(f);
  ASSERT_FALSE(files.empty());

  const std::string opts = "translate --registry ltt --format json --as-of " + day + " --since " + day + " --out ";
  const fs::path out = scratch.path() / "out";
  const CliResult r = reghub(opts + out.string() + join(files), scratch.path());
  const Diagnostics ds = diagnostics(r.err);
  EXPECT_EQ(ds.hubRef01, 0) << "HUB-REF-01: a later day's resources were not joined to the Patient sent on day 1";
  EXPECT_EQ(ds.bad, "") << "the day files are valid; the case system's extras are info at most";
  EXPECT_EQ(r.exit, 0);

  // The same resources as one Bundle: the day files must give the same bytes.
  const fs::path whole = writeAsOneBundle(files, scratch.path() / "one-bundle.json");
  const fs::path outWhole = scratch.path() / "out-one-bundle";
  reghub(opts + outWhole.string() + " " + whole.string(), scratch.path());
  const auto reports = readTree(out);
  const auto wholeReports = readTree(outWhole);
  std::set<std::string> names, wholeNames;
  for (const auto& [p, b] : reports) names.insert(p);
  for (const auto& [p, b] : wholeReports) wholeNames.insert(p);
  EXPECT_EQ(names, wholeNames) << "reports from the day files vs. from one Bundle of the same resources";
  for (const auto& [p, bytes] : reports)
    if (wholeReports.count(p)) {
      EXPECT_TRUE(wholeReports.at(p) == bytes) << "different bytes: " << p;
    }

  // One report per citizen per day with changes; none on a day without.
  const auto days = changeDays();
  const bool due = std::find(days.begin(), days.end(), day) != days.end();
  ASSERT_EQ(reports.size(), due ? 1u : 0u) << (due ? "a report is due on " : "nothing changed on ") << day;
  if (!due) return;
  const auto& [reportPath, body] = *reports.begin();
  EXPECT_EQ(reportPath.rfind("ltt/" + day + "/", 0), 0u) << reportPath;

  // It validates clean as a KL DeliveryReport.
  const CliResult v = reghub("validate --registry ltt --format json --as-of " + day + " " + (out / reportPath).string(),
                             scratch.path());
  EXPECT_EQ(v.exit, 0);
  EXPECT_EQ(diagnostics(v.out).bad, "") << "the day's report does not validate clean";

  // It holds that day's new or changed kontakter and henvisninger, no earlier one.
  const rapidjson::Document report = test::parseJson(body);
  std::vector<const Value*> inReport;
  int forloeb = 0;
  for (const auto& e : report["entry"].GetArray()) {
    inReport.push_back(&e["resource"]);
    if (std::string(e["resource"]["resourceType"].GetString()) == "CarePlan" && !isHenvisning(e["resource"])) ++forloeb;
  }
  std::vector<rapidjson::Document> sentToday;
  for (const fs::path& f : files)
    if (dayOf(f) == day)
      for (auto& res : resourcesOf(f))
        if (changedOn(res) == day) sentToday.push_back(std::move(res));
  std::vector<const Value*> todays;
  for (const auto& res : sentToday) todays.push_back(&res);
  EXPECT_EQ(eventsOf(inReport), eventsOf(todays)) << "kontakter/henvisninger in the report vs. sent on " << day;
  EXPECT_EQ(forloeb, 1) << "the forløb the day's kontakter belong to";

  // Nothing the IG does not permit.
  for (const std::string& s : forbiddenStrings()) EXPECT_EQ(body.find(s), std::string::npos) << "report contains " << s;
  const auto allowed = igParticipantTypes();
  ASSERT_FALSE(allowed.empty());
  for (const Value* res : inReport) {
    if (std::string((*res)["resourceType"].GetString()) != "Encounter" || !res->HasMember("participant")) continue;
    for (const auto& p : (*res)["participant"].GetArray()) {
      for (const auto& m : p.GetObject())
        EXPECT_EQ(std::string(m.name.GetString()), "type") << "Encounter.participant." << m.name.GetString();
      if (!p.HasMember("type")) continue;
      for (const auto& t : p["type"].GetArray())
        for (const auto& c : t["coding"].GetArray()) {
          const std::string sc = std::string(c["system"].GetString()) + "|" + c["code"].GetString();
          EXPECT_TRUE(allowed.count(sc)) << "participant type not in the IG's examples: " << sc;
        }
    }
  }
}

std::vector<std::string> allDays() {
  std::set<std::string> days;
  for (const fs::path& f : dayFiles()) days.insert(dayOf(f));
  return {days.begin(), days.end()};
}

INSTANTIATE_TEST_SUITE_P(Days, JosefineDeltaDay, ::testing::ValuesIn(allDays()),
                         [](const ::testing::TestParamInfo<std::string>& i) {
                           std::string n = "Day_" + i.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

TEST(JosefineDelta, WholeHistoryFromTheDayFilesGivesOneReportPerDayWithChanges) {
  Scratch scratch;
  const auto files = dayFiles();
  const std::string last = dayOf(files.back());
  const CliResult r = reghub("translate --registry ltt --format json --as-of " + last + " --out " +
                                 (scratch.path() / "out").string() + join(files),
                             scratch.path());
  const Diagnostics ds = diagnostics(r.err);
  EXPECT_EQ(ds.hubRef01, 0) << "HUB-REF-01: a later day's resources were not joined to the Patient sent on day 1";
  EXPECT_EQ(ds.bad, "");
  EXPECT_EQ(r.exit, 0);
  std::vector<std::string> days;
  for (const auto& [p, b] : readTree(scratch.path() / "out")) days.push_back(p.substr(4, 10));  // ltt/<day>/…
  std::sort(days.begin(), days.end());
  EXPECT_EQ(days, changeDays()) << "report days";
  // The unchanged re-send of the Patient is not a change.
  EXPECT_EQ(std::find(days.begin(), days.end(), "2025-09-01"), days.end());
}

// Through the delivery store: one `reghub ingest --as-of DAY` per day file, as
// the case system sends them. The store keeps Josefine's resources, so each
// day joins what came before: one report queued on each day with changes,
// none on the unchanged re-send of the Patient, none when everything is sent again.
TEST(JosefineDelta, IngestDayByDayQueuesOneReportPerDayWithChangesAndNothingOnResend) {
  Scratch scratch;
  const std::string store = "sqlite:" + (scratch.path() / "x.db").string();
  const std::string key = "REGHUB_STORE_KEY=AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";  // tests only
  const auto due = changeDays();
  const auto queuedOf = [](const CliResult& r) {
    std::smatch m;
    return std::regex_search(r.err, m, std::regex("([0-9]+) meddelelser i kø")) ? std::stoi(m[1]) : -1;
  };
  const std::string last = dayOf(dayFiles().back());
  for (int pass = 0; pass < 2; ++pass) {
    for (const fs::path& f : dayFiles()) {
      const std::string day = pass == 0 ? dayOf(f) : last;  // sent again later, all of them on the last day
      SCOPED_TRACE((pass ? "again: " : "") + f.filename().string());
      const CliResult r =
          reghub("ingest --store " + store + " --format json --as-of " + day + " " + f.string(), scratch.path(), key);
      const Diagnostics ds = diagnostics(r.out);
      EXPECT_EQ(ds.hubRef01, 0) << "HUB-REF-01: the day's resources were not joined to the Patient in the store";
      EXPECT_EQ(ds.bad, "");
      EXPECT_EQ(r.exit, 0);
      const bool changed = pass == 0 && std::find(due.begin(), due.end(), day) != due.end();
      EXPECT_EQ(queuedOf(r), changed ? 1 : 0) << "reports queued";
    }
  }
  const CliResult st = reghub("status --store " + store + " --format json", scratch.path(), key);
  ASSERT_EQ(st.exit, 0);
  const rapidjson::Document status = test::parseJson(st.out);
  int stored = 0;
  for (const auto& c : status["counts"].GetArray())
    if (std::string(c["registry"].GetString()) == "ltt") stored += c["count"].GetInt();
  EXPECT_EQ(stored, static_cast<int>(due.size())) << "reports in the store";
}

TEST(JosefineDelta, CaseSystemExtrasAreInfoDiagnosticsNamingWhatWasDropped) {
  Scratch scratch;
  const auto files = dayFiles();
  const CliResult r =
      reghub("validate --registry ltt --format json --as-of " + dayOf(files.back()) + join(files), scratch.path());
  const Diagnostics ds = diagnostics(r.out);
  EXPECT_EQ(ds.hubRef01, 0) << "HUB-REF-01: a later day's resources were not joined to the Patient sent on day 1";
  EXPECT_EQ(ds.bad, "") << "the extras must be info, never warning or error";
  EXPECT_EQ(r.exit, 0);
  // Ignored input is an info line (CONTRACT §4), so a person can see what was not used.
  for (const char* what : {"Practitioner", "location", "note", "participant"}) {
    bool named = false;
    for (const auto& d : ds.all) {
      const std::string text = std::string(d.HasMember("path") ? d["path"].GetString() : "") + " " +
                               (d.HasMember("message") ? d["message"].GetString() : "");
      if (std::string(d["severity"].GetString()) == "info" && text.find(what) != std::string::npos) named = true;
    }
    EXPECT_TRUE(named) << "no info diagnostic names the dropped " << what;
  }
}

// The series is what its README says: the Patient only on day 1 and in the
// unchanged re-send, NDJSON and a bare resource among the days, the extras there.
TEST(JosefineDelta, SeriesSendsThePatientOnceAndOnlyChangesAfterwards) {
  const auto files = dayFiles();
  ASSERT_GE(files.size(), 8u);
  int ndjson = 0, bare = 0, patientFiles = 0;
  std::string patientDay1;
  for (const fs::path& f : files) {
    ndjson += f.extension() == ".ndjson";
    const std::string text = test::readFile(f.string());
    if (f.extension() == ".json" && text.find("\"Bundle\"") == std::string::npos) ++bare;
    for (const auto& r : resourcesOf(f)) {
      if (std::string(r["resourceType"].GetString()) != "Patient") continue;
      ++patientFiles;
      rapidjson::StringBuffer sb;
      rapidjson::Writer<rapidjson::StringBuffer> w(sb);
      r.Accept(w);
      if (f == files.front())
        patientDay1 = sb.GetString();
      else
        EXPECT_EQ(sb.GetString(), patientDay1) << f.filename() << ": the re-send is unchanged";
    }
  }
  EXPECT_GE(ndjson, 2);
  EXPECT_GE(bare, 1);  // a kontakt without a Bundle
  EXPECT_EQ(patientFiles, 2);
  EXPECT_FALSE(patientDay1.empty()) << "day 1 holds the Patient";
  const std::string day1 = test::readFile(files.front().string());
  for (const char* s :
       {"\"Organization\"", "\"Practitioner\"", "PPRF", "\"location\"", "\"div\"", "\"telecom\"", "\"address\""})
    EXPECT_NE(day1.find(s), std::string::npos) << "day 1 lacks " << s;
}

}  // namespace
}  // namespace reghub::ltt
