// The Ruddi story through the delivery store and FK Gateway, as a kommune runs
// it: per day file `reghub ingest --as-of DAY` (the store keeps the citizen's
// resources, so each day joins what came before), then `reghub run
// --until-idle` delivering to the § 140 sandbox over HTTPS with FK Gateway's
// auth. The sandbox (the same checks as the hub) accepts one report per day,
// each holding exactly the resources of the IG's report of that day — the
// GGOP's requester and the forløb's performer included, which the store must
// load with the citizen although they name no Patient.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "adapters/kl_gateway/json_file.h"
#include "adapters/kl_gateway/report_envelope.h"
#include "adapters/rehab/sandbox.h"
#include "tests/adapters/rehab/rehab_test_util.h"

namespace reghub::rehab {
namespace {

namespace fs = std::filesystem;

struct CommandResult {
  int exit = -1;
  std::string out;
};

// A command line with its stdout (stderr to the same), exit code.
CommandResult shell(const std::string& command) {
  CommandResult r;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int st = ::pclose(p);
  r.exit = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

TEST(RehabStoreDelivery, TheRuddiDaysThroughTheStoreReachTheSandboxAsTheIgHasThem) {
  const fs::path dir = fs::temp_directory_path() / ("rehab-store-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::map<std::string, std::string> config;
  RehabSandbox sandbox(engine::SandboxOptions{}, std::make_shared<const Settings>(Settings::fromConfig(config::Config::fromMap(config))));
  sandbox.start();
  {
    std::ofstream props(dir / "hub.properties");
    props << "store.url = sqlite:" << (dir / "x.db").string() << "\n";
    for (const auto& [k, v] : sandbox.clientConfig()) props << k << " = " << v << "\n";
  }
  const std::string env = "REGHUB_STORE_KEY=AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA= ";  // tests only
  const std::string bin = env + REGHUB_BINARY;
  const fs::path ruddi = fs::path(test::sourceDir()) / "tests/adapters/rehab/ruddi";
  std::vector<std::string> days;
  for (const auto& e : fs::directory_iterator(ruddi))
    if (e.path().extension() == ".json" && e.path().filename().string().rfind("20", 0) == 0)
      days.push_back(e.path().stem().string());
  std::sort(days.begin(), days.end());
  for (const std::string& day : days) {
    SCOPED_TRACE(day);
    const CommandResult in = shell(bin + " ingest --config " + (dir / "hub.properties").string() + " --as-of " + day + " " +
                       (ruddi / (day + ".json")).string());
    EXPECT_EQ(in.exit, 0) << in.out;
    EXPECT_NE(in.out.find(" 1 meddelelser i kø"), std::string::npos) << in.out;
    const CommandResult go = shell(bin + " run --until-idle --idle-wait 5 --config " + (dir / "hub.properties").string());
    EXPECT_EQ(go.exit, 0) << go.out;
  }
  const rapidjson::Document expected = kl_gateway::readJsonFile((ruddi / "expected.json").string());
  const auto received = sandbox.received();
  EXPECT_EQ(received.size(), days.size());
  std::set<std::string> seenDays;
  for (const auto& r : received) {
    rapidjson::Document b;
    b.Parse(r.body.data(), r.body.size());
    ASSERT_FALSE(b.HasParseError());
    std::set<std::string> ids;
    for (const auto& e : b["entry"].GetArray())
      ids.insert(std::string(e["resource"]["resourceType"].GetString()) + "/" + e["resource"]["id"].GetString());
    // The report's day: the one whose IG report has the same entries.
    std::string day;
    for (const auto& m : expected.GetObject()) {
      std::set<std::string> want;
      for (const auto& id : m.value.GetArray()) want.insert(id.GetString());
      if (want == ids) day = m.name.GetString();
    }
    std::string got;
    for (const auto& id : ids) got += id.substr(0, id.find('/') + 7) + " ";
    EXPECT_FALSE(day.empty()) << "a report unlike any of the IG's (" << b["timestamp"].GetString() << "): " << got;
    seenDays.insert(day);
  }
  EXPECT_EQ(seenDays.size(), days.size());
  EXPECT_EQ(sandbox.rejectedCount(), 0);
  sandbox.stop();
  fs::remove_all(dir);
}

// The store and the § 140 sandbox of one test, and the hub's commands against them.
class StoreRun {
 public:
  StoreRun() : dir_(fs::temp_directory_path() / ("rehab-store2-" + std::to_string(::getpid()))),
               sandbox_(engine::SandboxOptions{},
                        std::make_shared<const Settings>(Settings::fromConfig(config::Config::fromMap({})))) {
    fs::create_directories(dir_);
    sandbox_.start();
    std::ofstream props(dir_ / "hub.properties");
    props << "store.url = sqlite:" << (dir_ / "x.db").string() << "\n";
    for (const auto& [k, v] : sandbox_.clientConfig()) props << k << " = " << v << "\n";
  }
  ~StoreRun() {
    sandbox_.stop();
    fs::remove_all(dir_);
  }
  // `reghub ingest --as-of day file`, then `reghub run --until-idle`; the ingest's output.
  CommandResult day(const std::string& asOf, const fs::path& file) {
    const std::string bin = "REGHUB_STORE_KEY=AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA= " + std::string(REGHUB_BINARY);
    const std::string config = " --config " + (dir_ / "hub.properties").string();
    const CommandResult in = shell(bin + " ingest" + config + " --as-of " + asOf + " " + file.string());
    const CommandResult go = shell(bin + " run --until-idle --idle-wait 5" + config);
    EXPECT_EQ(go.exit, 0) << go.out;
    return in;
  }
  const fs::path& dir() const { return dir_; }
  RehabSandbox& sandbox() { return sandbox_; }

 private:
  fs::path dir_;
  RehabSandbox sandbox_;
};

// Day 2's delta is the GGOP again, naming the supplier (its performer: not
// sent, 0..0) before its requester, both Organizations sent on day 1. The
// store loads every Organization a record names with the citizen, so the
// day's report holds the requester, as the bundled reference requires; with
// only the first named loaded, the report failed validation and was never
// sent. Day 1 is the control (one Organization per record there).
TEST(RehabStoreDelivery, ADeltaNamingTwoOrganisationsOfAnEarlierDayHasBothInItsReport) {
  StoreRun run;
  const fs::path ruddi = fs::path(test::sourceDir()) / "tests/adapters/rehab/ruddi";
  rapidjson::Document day1 = kl_gateway::readJsonFile((ruddi / "2022-05-23.json").string());
  rapidjson::Document day2;
  day2.SetObject();
  auto& a = day2.GetAllocator();
  day2.AddMember("resourceType", "Bundle", a).AddMember("type", "collection", a);
  rapidjson::Value entries(rapidjson::kArrayType);
  for (const auto& e : day1["entry"].GetArray()) {
    if (std::string(e["resource"]["resourceType"].GetString()) != "ServiceRequest") continue;
    rapidjson::Value sr(rapidjson::kObjectType), performer(rapidjson::kObjectType), performers(rapidjson::kArrayType);
    sr.AddMember("resourceType", "ServiceRequest", a);
    performer.AddMember("reference", "Organization/7fdd6dc0-3f9f-4914-b34a-7c6495ba0880", a);
    performers.PushBack(performer, a);
    sr.AddMember("performer", performers, a);  // before requester: the first Organization it names
    for (const auto& m : e["resource"].GetObject())
      if (std::string(m.name.GetString()) != "resourceType") sr.AddMember(rapidjson::Value(m.name, a), rapidjson::Value(m.value, a), a);
    rapidjson::Value entry(rapidjson::kObjectType);
    entry.AddMember("fullUrl", rapidjson::Value(e["fullUrl"], a), a).AddMember("resource", sr, a);
    entries.PushBack(entry, a);
  }
  ASSERT_EQ(entries.Size(), 1u);
  day2.AddMember("entry", entries, a);
  const fs::path day2File = run.dir() / "2022-05-24.json";
  std::ofstream(day2File) << kl_gateway::toJson(day2);

  const CommandResult first = run.day("2022-05-23", ruddi / "2022-05-23.json");
  EXPECT_NE(first.out.find(" 1 meddelelser i kø"), std::string::npos) << first.out;
  const CommandResult second = run.day("2022-05-24", day2File);
  EXPECT_NE(second.out.find(" 1 meddelelser i kø"), std::string::npos) << second.out;
  const auto received = run.sandbox().received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(run.sandbox().rejectedCount(), 0);
  rapidjson::Document report;
  report.Parse(received.back().body.data(), received.back().body.size());
  ASSERT_FALSE(report.HasParseError());
  std::set<std::string> ids;
  for (const auto& e : report["entry"].GetArray())
    ids.insert(std::string(e["resource"]["resourceType"].GetString()) + "/" + e["resource"]["id"].GetString());
  EXPECT_TRUE(ids.count("ServiceRequest/152a1f8f-db33-4fa4-b5ea-c6f4e5cebd22"));
  EXPECT_TRUE(ids.count("Organization/55a0e014-0e97-4c26-8ef2-29d528bfcc46"));  // the requester
}

}  // namespace
}  // namespace reghub::rehab
