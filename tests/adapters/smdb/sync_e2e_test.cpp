// SMDB in production (issue #12), end to end with the real binary over
// HTTPS against the sandbox, which holds records as SMDB does: generated
// data → ingest → `run --until-idle` (sync, deliver) → the sandbox's records
// are exactly the messages sent; a changed skema is one update of the same
// SmdbId; an unchanged one sends nothing; a sag made "in SMDB-web" is found
// by the sync and blocks an overlapping forløb, or is adopted when it is the
// same forløb; a fault every third call, lost answers and a SIGKILL
// mid-delivery leave no record twice and none missing; a withdrawn forløb
// becomes a manual task in SMDB-web's order that closes when the records go.
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "adapters/smdb/sandbox.h"
#include "hub/engine/adapter_registry.h"
#include "tests/adapters/smdb/day_files.h"
#include "tests/adapters/smdb/render_util.h"
#include "tests/adapters/smdb/smdb_test_util.h"
#include "tests/support/hub_process.h"
#include "tests/support/store_test_support.h"

namespace fs = std::filesystem;
using namespace smdb_test;

namespace {

const std::vector<std::string> kKeyEnv = {"REGHUB_STORE_KEY=AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=",
                                          "REGHUB_STORE_LOOKUP_KEY=ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A=",
                                          "REGHUB_STORE_KEY_ID=test-k1"};  // tests only
const std::string kAsOf = "2026-11-01";

struct Record {
  std::string smdbId, sag, parent, skema, kildeId, origin;
  int version = 0;
  std::map<std::string, std::string> fields;  // without CPR and name (the control plane leaves them out)
};

class SmdbSyncE2e : public ::testing::Test {
 protected:
  void SetUp() override { startSandbox({}); }
  // A sandbox built from these settings (as `reghub sandbox smdb --config` would), and the hub's config for it.
  void startSandbox(std::map<std::string, std::string> settings) {
    if (sandbox_) sandbox_->stop();
    settings["smdb.sandboxAsOf"] = kAsOf;
    adapter_ = reghub::engine::AdapterRegistry::create("smdb", reghub::config::Config::fromMap(settings));
    sandbox_ = adapter_->makeSandbox(reghub::engine::SandboxOptions{});
    sandbox_->start();
    writeConfig({});
  }
  void TearDown() override { sandbox_->stop(); }

  reghub::smdb::SmdbSandbox& sandbox() { return static_cast<reghub::smdb::SmdbSandbox&>(*sandbox_); }

  void writeConfig(const std::map<std::string, std::string>& extra) {
    std::map<std::string, std::string> c = sandbox().clientConfig();
    c["store.url"] = "sqlite:" + (dir_.path() / "store.db").string();
    c["smdb.timeoutMs"] = "5000";
    c["smdb.syncKommuner"] = "0330";
    c["outbox.retry.baseDelayMillis"] = "20";
    c["outbox.retry.maxDelayMillis"] = "100";
    c["outbox.retry.maxAttempts"] = "30";
    for (const auto& [k, v] : extra) c[k] = v;
    std::ofstream out(config());
    for (const auto& [k, v] : c) out << k << " = " << v << "\n";
  }
  std::string config() const { return (dir_.path() / "hub.properties").string(); }

  CliResult reghub(std::vector<std::string> args) { return runReghub(args, dir_.path(), kKeyEnv); }
  CliResult ingest(const fs::path& file) { return reghub({"ingest", "--config", config(), "--as-of", kAsOf, file}); }
  CliResult untilIdle() { return reghub({"run", "--config", config(), "--until-idle", "--idle-wait", "5"}); }
  CliResult sync() { return reghub({"smdb", "sync", "--config", config()}); }

  reghub::net::HttpResponse control(const std::string& method, const std::string& path, const std::string& body = {}) {
    reghub::net::HttpRequest r;
    r.method = method;
    r.path = r.uri = path;
    r.body = body;
    return sandbox().handle(r);
  }
  std::vector<Record> records() {
    const auto r = control("GET", "/sandbox/records");
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    std::vector<Record> out;
    for (const auto& e : d.GetArray()) {
      Record r{e["smdbId"].GetString(), e["sag"].GetString(),   e["parent"].GetString(), e["skema"].GetString(),
               e["kildeId"].GetString(), e["origin"].GetString(), e["version"].GetInt(), {}};
      for (const auto& f : e["fields"].GetObject()) r.fields[f.name.GetString()] = f.value.GetString();
      out.push_back(std::move(r));
    }
    return out;
  }

  // Generated citizens (SMDB forløb only), as one NDJSON file.
  fs::path synth(int citizens, int seed) {
    const fs::path file = dir_.path() / ("synth-" + std::to_string(seed) + ".ndjson");
    const auto r = reghub({"synth", "--citizens", std::to_string(citizens), "--seed", std::to_string(seed),
                           "--registry", "smdb", "--as-of", kAsOf, "--out", file.string()});
    EXPECT_EQ(r.exit, 0) << r.err;
    return file;
  }

  fs::path write(const std::string& name, const std::string& text) {
    const fs::path p = dir_.path() / name;
    std::ofstream(p) << text;
    return p;
  }

  ScratchDir dir_{"reghub-smdb-sync-e2e"};
  std::unique_ptr<reghub::engine::Adapter> adapter_;
  std::unique_ptr<reghub::engine::Sandbox> sandbox_;
};

int queuedOf(const CliResult& r) {
  std::smatch m;
  if (!std::regex_search(r.err, m, std::regex("([0-9]+) meddelelser i kø"))) return -1;
  return std::stoi(m[1]);
}

// The records the hub sent (its KildeIds, the anmodninger aside): each once.
std::map<std::string, Record> byKilde(const std::vector<Record>& records) {
  std::map<std::string, Record> out;
  for (const Record& r : records) {
    if (r.kildeId.empty() || r.skema == "ANM") continue;
    EXPECT_TRUE(out.emplace(r.kildeId, r).second) << "SMDB holds " << r.kildeId << " twice";
  }
  return out;
}

// The NDJSON lines of a file, each a Bundle of one citizen.
std::vector<std::string> lines(const fs::path& file) {
  std::vector<std::string> out;
  std::ifstream in(file);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

std::string json(const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return b.GetString();
}

// A resource of the generated data, changed by `edit`, as a one-line delta
// (a bare resource, as a case system sends what changed).
std::string delta(const fs::path& file, const std::string& questionnaireOrType,
                  const std::function<void(rapidjson::Value&, rapidjson::Document::AllocatorType&)>& edit) {
  for (const std::string& line : lines(file)) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    for (auto& e : d["entry"].GetArray()) {
      rapidjson::Value& r = e["resource"];
      const std::string type = r["resourceType"].GetString();
      const bool match = type == questionnaireOrType ||
                         (r.HasMember("questionnaire") && std::string(r["questionnaire"].GetString()) == questionnaireOrType);
      if (!match) continue;
      edit(r, d.GetAllocator());
      return json(r) + "\n";
    }
  }
  ADD_FAILURE() << "no " << questionnaireOrType << " in " << file;
  return {};
}

TEST_F(SmdbSyncE2e, DeliveredRecordsEqualTheInputAChangeIsOneUpdateAndNoChangeSendsNothing) {
  const fs::path in = synth(12, 5);
  const CliResult first = ingest(in);
  ASSERT_EQ(first.exit, 0) << first.err;
  const int queued = queuedOf(first);
  ASSERT_GT(queued, 10);
  const CliResult run = untilIdle();
  ASSERT_EQ(run.exit, 0) << run.out << run.err;
  const auto held = byKilde(records());
  EXPECT_EQ(static_cast<int>(held.size()), queued);
  for (const auto& [k, r] : held) EXPECT_EQ(r.version, 1) << k;

  // The sync learns every id and finds nothing made elsewhere.
  const CliResult s = sync();
  ASSERT_EQ(s.exit, 0) << s.out << s.err;
  EXPECT_NE(s.out.find("0 not sent by the hub"), std::string::npos) << s.out;
  EXPECT_EQ(s.out.find("not read"), std::string::npos) << s.out;

  // A tilknytning changed at the source: one update of the same SmdbId, version 2.
  std::string changedKilde;
  const std::string d = delta(in, "urn:reghub:smdb:TILB", [&](rapidjson::Value& qr, auto&) {
    for (auto& item : qr["item"].GetArray())
      if (std::string(item["linkId"].GetString()) == "TilbudId") item["answer"][0]["valueInteger"].SetInt(54321);
    changedKilde = qr["identifier"]["value"].GetString();
  });
  const CliResult changed = ingest(write("delta-tilb.ndjson", d));
  ASSERT_EQ(changed.exit, 0) << changed.err;
  EXPECT_EQ(queuedOf(changed), 1) << changed.err;
  ASSERT_EQ(untilIdle().exit, 0);
  const auto after = byKilde(records());
  EXPECT_EQ(after.size(), held.size());
  int updated = 0;
  for (const auto& [k, r] : after) {
    ASSERT_TRUE(held.count(k)) << k;
    EXPECT_EQ(r.smdbId, held.at(k).smdbId) << k;
    if (k.find(changedKilde) != std::string::npos) {
      EXPECT_EQ(r.version, 2) << k;
      ++updated;
    } else {
      EXPECT_EQ(r.version, 1) << k;
    }
  }
  EXPECT_EQ(updated, 1);

  // The same delta again: nothing queued, nothing sent.
  const CliResult again = ingest(write("delta-tilb-again.ndjson", d));
  EXPECT_EQ(queuedOf(again), 0) << again.err;
  const CliResult idle = untilIdle();
  EXPECT_EQ(idle.exit, 0);
  EXPECT_NE(idle.out.find("0 attempts"), std::string::npos) << idle.out;
  for (const auto& [k, r] : byKilde(records())) EXPECT_EQ(r.version, after.at(k).version) << k;
}

// The fields of one part (Anmodning, Ivaerksaettelse, Tilbudstilknytning …)
// of a rendered message of the BASE case, as SMDB-web would hold them.
std::map<std::string, std::string> basePart(size_t message, const std::string& part) {
  const auto msgs = render(kCases / "BASE__keep_complete_forloeb/input.json");
  std::map<std::string, std::string> fields;
  xmlDoc* doc = xmlReadMemory(msgs.at(message).body.data(), static_cast<int>(msgs.at(message).body.size()), "m.xml",
                              nullptr, XML_PARSE_NONET);
  std::function<void(xmlNode*)> walk = [&](xmlNode* n) {
    for (xmlNode* c = n->children; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      if (std::string(reinterpret_cast<const char*>(c->name)) == part) {
        for (xmlNode* f = c->children; f; f = f->next)
          if (f->type == XML_ELEMENT_NODE) {
            xmlChar* t = xmlNodeGetContent(f);
            fields[reinterpret_cast<const char*>(f->name)] = reinterpret_cast<const char*>(t);
            xmlFree(t);
          }
        return;
      }
      walk(c);
    }
  };
  walk(xmlDocGetRootElement(doc));
  xmlFreeDoc(doc);
  return fields;
}
std::map<std::string, std::string> baseAnmodning() { return basePart(0, "Anmodning"); }

std::string fieldsJson(const std::map<std::string, std::string>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) out += std::string(out.empty() ? "" : ",") + "\"" + k + "\":\"" + v + "\"";
  return "{" + out + "}";
}

std::string webSag(std::map<std::string, std::string> anm, const std::string& anmodningsdato) {
  const std::string cpr = anm["PersonIdentifikator"];
  anm.erase("PersonIdentifikator");
  anm.erase("KommuneKode");
  anm["BehandlingAnmodningDato"] = anmodningsdato + "T00:00:00";
  return "{\"kommune\":\"330\",\"cpr\":\"" + cpr + "\",\"skemaer\":[{\"skema\":\"ANM\",\"fields\":" + fieldsJson(anm) +
         "}]}";
}

// An active sag as typed into SMDB-web: the BASE case's anmodning,
// iværksættelse and first tilknytning (left open), for another citizen.
std::string activeWebSag(const std::string& cpr, const std::string& anmodningsdato = {}) {
  auto anm = basePart(0, "Anmodning");
  anm.erase("PersonIdentifikator");
  anm.erase("KommuneKode");
  if (!anmodningsdato.empty()) anm["BehandlingAnmodningDato"] = anmodningsdato + "T00:00:00";
  const auto ivaer = basePart(0, "Ivaerksaettelse");
  auto tilb = basePart(1, "Tilbudstilknytning");
  tilb.erase("TilbudTilknyttetBehandlingSlutDato");
  return "{\"kommune\":\"330\",\"cpr\":\"" + cpr + "\",\"skemaer\":[{\"skema\":\"ANM\",\"fields\":" + fieldsJson(anm) +
         "},{\"skema\":\"IVAER\",\"fields\":" + fieldsJson(ivaer) + "},{\"skema\":\"TILB\",\"fields\":" +
         fieldsJson(tilb) + "}]}";
}

TEST_F(SmdbSyncE2e, ASagMadeInSmdbWebIsFoundByTheSyncAndBlocksAnOverlappingForloeb) {
  const auto anm = baseAnmodning();
  ASSERT_FALSE(anm.empty());
  const std::string hubDate = anm.at("BehandlingAnmodningDato").substr(0, 10);
  // Earlier than the hub's forløb and never closed: it overlaps.
  const auto put = control("POST", "/sandbox/records", webSag(anm, "2024-01-10"));
  ASSERT_EQ(put.status, 201) << put.body;
  const CliResult s = sync();
  ASSERT_EQ(s.exit, 0) << s.out << s.err;
  EXPECT_NE(s.out.find("1 not sent by the hub"), std::string::npos) << s.out;
  // Status lists it, masked, for the analyst to act on.
  const CliResult st = reghub({"status", "--config", config()});
  EXPECT_NE(st.out.find("made outside the hub"), std::string::npos) << st.out;
  EXPECT_EQ(st.out.find(anm.at("PersonIdentifikator")), std::string::npos);
  const CliResult sj = reghub({"status", "--config", config(), "--format", "json"});
  rapidjson::Document status;
  ASSERT_FALSE(status.Parse(sj.out.c_str()).HasParseError()) << sj.out;
  ASSERT_TRUE(status.HasMember("registries"));
  ASSERT_EQ(status["registries"]["notSentByTheHub"].Size(), 1u);
  EXPECT_EQ(std::string(status["registries"]["notSentByTheHub"][0]["citizen"].GetString()),
            anm.at("PersonIdentifikator").substr(0, 4) + "**-****");
  const CliResult in = reghub({"ingest", "--config", config(), "--as-of", kAsOf, "--format", "json",
                               (kCases / "BASE__keep_complete_forloeb/input.json").string()});
  EXPECT_EQ(in.exit, 1) << in.err;
  EXPECT_EQ(countRule(in.out, "SMDB-ANM-01"), 1) << in.out;
  EXPECT_NE(in.out.find("SmdbId"), std::string::npos);
  EXPECT_EQ(queuedOf(in), 0) << in.err;
  EXPECT_EQ(untilIdle().exit, 0);
  EXPECT_EQ(records().size(), 1u);  // SMDB still holds only the web form's sag
  (void)hubDate;
}

TEST_F(SmdbSyncE2e, ASagMadeInSmdbWebWithTheSameAnmodningsdatoIsAdoptedAndUpdated) {
  const auto anm = baseAnmodning();
  const std::string hubDate = anm.at("BehandlingAnmodningDato").substr(0, 10);
  const auto put = control("POST", "/sandbox/records", webSag(anm, hubDate));
  ASSERT_EQ(put.status, 201) << put.body;
  const std::string webId = records().at(0).smdbId;
  ASSERT_EQ(sync().exit, 0);
  const CliResult in = reghub({"ingest", "--config", config(), "--as-of", kAsOf, "--format", "json",
                               (kCases / "BASE__keep_complete_forloeb/input.json").string()});
  EXPECT_EQ(in.exit, 0) << in.err << in.out;
  EXPECT_EQ(countRule(in.out, "SMDB-GEN-15"), 1) << in.out;
  const CliResult run = untilIdle();
  ASSERT_EQ(run.exit, 0) << run.out << run.err;
  const auto held = records();
  int anmodninger = 0;
  for (const Record& r : held) {
    EXPECT_EQ(r.sag, webId) << r.skema << " " << r.kildeId << ": a second sag";
    if (r.skema == "ANM") {
      ++anmodninger;
      EXPECT_EQ(r.version, 2);  // the hub's anmodning as an update of the web form's
      EXPECT_EQ(r.origin, "web");
    }
  }
  EXPECT_EQ(anmodninger, 1);
  EXPECT_GE(held.size(), 5u);
}

TEST_F(SmdbSyncE2e, AFaultEveryThirdCallAndLostAnswersLeaveNoRecordTwiceAndNoneMissing) {
  const fs::path in = synth(10, 9);
  const CliResult first = ingest(in);
  const int queued = queuedOf(first);
  ASSERT_GT(queued, 5) << first.err;
  ASSERT_EQ(control("POST", "/sandbox/faults", "{\"failEvery\": 3, \"dropAfterStore\": 4}").status, 200);
  const CliResult run = untilIdle();
  // The sync before delivery meets the faults too: cron hears of it (exit 1), and nothing ends rejected or dead.
  EXPECT_NE(run.out.find(" 0 rejected, 0 dead"), std::string::npos) << run.out << run.err;
  EXPECT_EQ(run.exit, run.out.find("a sync failed") != std::string::npos ? 1 : 0) << run.out;
  const auto held = byKilde(records());
  EXPECT_EQ(static_cast<int>(held.size()), queued);
  for (const auto& [k, r] : held) EXPECT_EQ(r.version, 1) << k << ": sent again although SMDB had it";
}

TEST_F(SmdbSyncE2e, KilledMidDeliveryTheNextRunSendsTheRestWithoutARecordTwice) {
  writeConfig({{"outbox.leaseMillis", "1500"}, {"outbox.workers", "1"}, {"outbox.claimBatch", "1"}});
  const fs::path in = synth(40, 11);
  const int queued = queuedOf(ingest(in));
  ASSERT_GT(queued, 30);
  // Lost answers make some records exist in SMDB before the hub knows their ids.
  ASSERT_EQ(control("POST", "/sandbox/faults", "{\"dropAfterStore\": 3}").status, 200);
  const pid_t pid = reghub::testing::spawnHub({REGHUB_BINARY, "run", "--config", config(), "--until-idle"});
  ASSERT_GT(pid, 0);
  for (int i = 0; i < 3000 && records().size() < 12; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(pid, SIGKILL);
  EXPECT_EQ(reghub::testing::waitExit(pid), 128 + SIGKILL);
  const size_t before = byKilde(records()).size();
  EXPECT_LT(static_cast<int>(before), queued) << "the run ended before the kill; the test proves nothing";
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));  // the dead worker's lease runs out
  const CliResult rest = untilIdle();
  EXPECT_EQ(rest.exit, 0) << rest.out << rest.err;
  const auto held = byKilde(records());
  EXPECT_EQ(static_cast<int>(held.size()), queued);
  for (const auto& [k, r] : held) EXPECT_EQ(r.version, 1) << k;
}

TEST_F(SmdbSyncE2e, AWithdrawnForloebBecomesATaskInSmdbWebsOrderThatClosesWhenTheRecordsAreGone) {
  const fs::path base = kCases / "BASE__keep_complete_forloeb/input.json";
  ASSERT_EQ(ingest(base).exit, 0);
  ASSERT_EQ(untilIdle().exit, 0);
  ASSERT_EQ(sync().exit, 0);
  // The case system withdraws the forløb.
  rapidjson::Document doc;
  doc.Parse(slurp(base).c_str());
  std::string withdrawn;
  for (auto& e : doc["entry"].GetArray())
    if (std::string(e["resource"]["resourceType"].GetString()) == "EpisodeOfCare") {
      e["resource"]["status"].SetString("entered-in-error");
      withdrawn = json(e["resource"]) + "\n";
    }
  ASSERT_FALSE(withdrawn.empty());
  const CliResult w = ingest(write("withdrawn.ndjson", withdrawn));
  EXPECT_EQ(w.exit, 0) << w.err;
  const CliResult tasks = reghub({"smdb", "tasks", "--config", config()});
  ASSERT_EQ(tasks.exit, 0) << tasks.err;
  EXPECT_NE(tasks.out.find("[open] slet"), std::string::npos) << tasks.out;
  // The steps, in order: what SMDB-web must delete first comes first.
  std::vector<std::string> order;
  std::regex step(R"(\(([A-Z]+) ([0-9]+)\)\n)");
  for (std::sregex_iterator it(tasks.out.begin(), tasks.out.end(), step), end; it != end; ++it)
    order.push_back((*it)[1].str() + " " + (*it)[2].str());
  ASSERT_EQ(order.size(), records().size()) << tasks.out;
  EXPECT_EQ(order.front().rfind("AFSL", 0), 0u) << tasks.out;
  EXPECT_EQ(order.back().rfind("ANM", 0), 0u) << tasks.out;
  // SMDB-IVAER-24: the KvalHep goes before its iværksættelse.
  const auto pos = [&](const std::string& kind) {
    for (size_t i = 0; i < order.size(); ++i)
      if (order[i].rfind(kind + " ", 0) == 0) return i;
    return order.size();
  };
  EXPECT_LT(pos("KVALHEP"), pos("IVAER")) << tasks.out;
  // Out of order SMDB-web refuses: the anmodning still has records hanging on it.
  const std::string anmId = [&] {
    for (const auto& o : order)
      if (o.rfind("ANM ", 0) == 0) return o.substr(4);
    return std::string();
  }();
  EXPECT_EQ(control("DELETE", "/sandbox/records/" + anmId).status, 409);
  for (const auto& o : order) EXPECT_EQ(control("DELETE", "/sandbox/records/" + o.substr(o.find(' ') + 1)).status, 200) << o;
  const CliResult s = sync();
  EXPECT_NE(s.out.find("1 manual task(s) found done and closed"), std::string::npos) << s.out;
  const CliResult none = reghub({"smdb", "tasks", "--config", config()});
  EXPECT_NE(none.out.find("no open tasks"), std::string::npos) << none.out;
  const CliResult all = reghub({"smdb", "tasks", "--config", config(), "--all", "--format", "csv"});
  EXPECT_EQ(all.out.rfind("\xEF\xBB\xBF", 0), 0u);
  EXPECT_EQ(all.out.find("0101901235"), std::string::npos);  // masked only
}

std::string cprNo(int i) { return "010190" + std::to_string(1000 + i); }  // synthetic

TEST_F(SmdbSyncE2e, SystemskifteModel2ClosesEveryActiveSagOnDAndRegistersItAgainFromTheNextDay) {
  for (int i = 0; i < 100; ++i) {
    const auto put = control("POST", "/sandbox/records", activeWebSag(cprNo(i)));
    ASSERT_EQ(put.status, 201) << put.body;
  }
  // A first run that SMDB keeps failing (every 7th call): it stops part-way; the rerun finishes it.
  ASSERT_EQ(control("POST", "/sandbox/faults", "{\"failEvery\": 7}").status, 200);
  const CliResult broken = reghub({"smdb", "systemskifte", "--config", config(), "--model", "2", "--date",
                                   "2026-10-01", "--kommune", "0330", "--yes"});
  EXPECT_EQ(broken.exit, 1) << broken.out.substr(0, 2000) << broken.err;
  ASSERT_EQ(control("POST", "/sandbox/faults", "{\"failEvery\": 0}").status, 200);
  const CliResult r = reghub({"smdb", "systemskifte", "--config", config(), "--model", "2", "--date", "2026-10-01",
                              "--kommune", "0330", "--yes", "--vendor", "Leverandør A/S", "--system", "reghub"});
  ASSERT_EQ(r.exit, 0) << r.out.substr(0, 3000) << r.err;
  EXPECT_NE(r.out.find("Leverandør A/S"), std::string::npos);  // the notice to DST
  std::map<std::string, std::vector<Record>> sager;
  for (Record& x : records()) sager[x.sag].push_back(std::move(x));
  int closed = 0, reRegistered = 0;
  for (const auto& [sag, recs] : sager) {
    const auto of = [&](const std::string& skema) {
      std::vector<const Record*> v;
      for (const Record& x : recs)
        if (x.skema == skema) v.push_back(&x);
      return v;
    };
    ASSERT_EQ(of("ANM").size(), 1u) << sag;
    const std::string start = of("ANM")[0]->fields.at("BehandlingAnmodningDato");
    if (of("ANM")[0]->origin == "web") {
      ASSERT_EQ(of("AFSL").size(), 1u) << "old sag " << sag << " not closed";
      EXPECT_EQ(of("AFSL")[0]->fields.at("BehandlingAfsluttetDato"), "2026-10-01T00:00:00");
      EXPECT_EQ(of("AFSL")[0]->fields.at("BehandlingAfsluttetAarsagKode"), "10");
      EXPECT_EQ(of("AFSL")[0]->fields.at("BehandlingAfsluttetAarsagTekst"), "Systemskifte");
      for (const Record* t : of("TILB")) EXPECT_EQ(t->fields.at("TilbudTilknyttetBehandlingSlutDato"), "2026-10-01T00:00:00");
      ++closed;
    } else {
      EXPECT_EQ(start, "2026-10-02T00:00:00") << sag;
      EXPECT_EQ(of("IVAER").size(), 1u);
      for (const Record* t : of("TILB")) EXPECT_EQ(t->fields.at("TilbudTilknyttetBehandlingStartDato"), "2026-10-02T00:00:00");
      EXPECT_TRUE(of("AFSL").empty());
      ++reRegistered;
    }
  }
  EXPECT_EQ(closed, 100);
  EXPECT_EQ(reRegistered, 100);
  // Who carried it out is in the store's audit trail (append-only).
  const auto store = reghub::store::DeliveryStore::open(
      {"sqlite:" + (dir_.path() / "store.db").string(), reghub::testing::testKeyring()});
  int audited = 0;
  for (const auto& e : store->audit())
    if (e.action == "systemskifte") {
      ++audited;
      EXPECT_EQ(e.actor.rfind("cli:", 0), 0u) << e.actor;
    }
  EXPECT_EQ(audited, 4);  // started and ended, twice
  // Carried out again: SMDB has no sag active on D left to close.
  const CliResult again = reghub({"smdb", "systemskifte", "--config", config(), "--model", "2", "--date",
                                  "2026-10-01", "--kommune", "0330", "--dry-run"});
  EXPECT_NE(again.out.find("0 aktive sager"), std::string::npos) << again.out.substr(0, 2000);
}

// The plans of the three models over one fixed SMDB state, as golden files
// (tests/adapters/smdb/systemskifte/<model>/): an active sag from before D,
// one closed before D (not listed), an anmodning of D (model 1 and 2 only), one after D (not listed).
TEST_F(SmdbSyncE2e, SystemskifteDryRunsProduceTheListsTheGuideDescribes) {
  ASSERT_EQ(control("POST", "/sandbox/records", activeWebSag(cprNo(1))).status, 201);
  auto anm = baseAnmodning();
  anm["PersonIdentifikator"] = cprNo(2);
  ASSERT_EQ(control("POST", "/sandbox/records", webSag(anm, "2026-10-01")).status, 201);
  anm["PersonIdentifikator"] = cprNo(3);
  ASSERT_EQ(control("POST", "/sandbox/records", webSag(anm, "2026-10-20")).status, 201);
  anm["PersonIdentifikator"] = cprNo(4);
  const auto put = control("POST", "/sandbox/records", webSag(anm, "2025-01-10"));
  ASSERT_EQ(put.status, 201);
  rapidjson::Document ids;
  ids.Parse(put.body.c_str());
  const std::string closedSag = ids["records"][0].GetString();
  const std::string afsl = R"({"sag":")" + closedSag +
                           R"(","skemaer":[{"skema":"AFSL","fields":{"BehandlingAfsluttetDato":"2026-09-01T00:00:00","BehandlingAfsluttetAarsagKode":"01"}}]})";
  const auto closing = control("POST", "/sandbox/records", afsl);
  ASSERT_EQ(closing.status, 201) << closing.body;
  const fs::path golden = fs::path(REGHUB_SOURCE_DIR) / "tests/adapters/smdb/systemskifte";
  for (const std::string model : {"1", "2", "mellem"}) {
    const fs::path out = dir_.path() / ("plan-" + model);
    const CliResult r = reghub({"smdb", "systemskifte", "--config", config(), "--model", model, "--date",
                                "2026-10-01", "--kommune", "0330", "--dry-run", "--out", out.string()});
    ASSERT_EQ(r.exit, 0) << r.out << r.err;
    for (const std::string file : {"plan.txt", "plan.csv", "dst-notice.txt"}) {
      const std::string got = slurp(out / file);
      EXPECT_EQ(got.find("0101901"), std::string::npos) << file << ": a CPR in the plan";
      if (std::getenv("REGHUB_UPDATE_GOLDEN")) {
        fs::create_directories(golden / model);
        std::ofstream(golden / model / file, std::ios::binary) << got;
      }
      EXPECT_EQ(got, slurp(golden / model / file)) << model << "/" << file;
    }
  }
  // Without --dry-run or --yes and no terminal to ask: refused, nothing sent.
  const size_t before = records().size();
  const CliResult ask = reghub({"smdb", "systemskifte", "--config", config(), "--model", "2", "--date", "2026-10-01",
                                "--kommune", "0330"});
  EXPECT_EQ(ask.exit, 2) << ask.out << ask.err;
  EXPECT_EQ(records().size(), before);
}

// The service reads SMDB at start (sync.intervalMinutes): a sag made in
// SMDB-web shows in status while `reghub run` runs, without a manual sync.
TEST_F(SmdbSyncE2e, TheServiceSyncsAtStart) {
  ASSERT_EQ(control("POST", "/sandbox/records", activeWebSag(cprNo(7))).status, 201);
  ASSERT_EQ(sync().exit, 0);  // creates the store; then the web form's sag is deleted and another made
  ASSERT_EQ(control("POST", "/sandbox/records", activeWebSag(cprNo(8))).status, 201);
  const pid_t pid = reghub::testing::spawnHub({REGHUB_BINARY, "run", "--config", config(), "--no-http"});
  ASSERT_GT(pid, 0);
  int foreign = 0;
  for (int i = 0; i < 200 && foreign < 2 * 3; ++i) {  // until both sager are read (a status may come between them)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const CliResult st = reghub({"status", "--config", config(), "--format", "json"});
    rapidjson::Document d;
    if (d.Parse(st.out.c_str()).HasParseError() || !d.HasMember("registries")) continue;
    foreign = static_cast<int>(d["registries"]["notSentByTheHub"].Size());
  }
  ::kill(pid, SIGTERM);
  EXPECT_EQ(reghub::testing::waitExit(pid), 0);
  EXPECT_EQ(foreign, 2 * 3);  // two sager of three records each, both made elsewhere
}

// SMDB-TILB-13 against SMDB's own list (HentAlleTilbud, read by the sync and
// kept a day): the BASE case's tilknytninger name tilbud 12345 and 12346.
TEST_F(SmdbSyncE2e, SMDB_TILB_13_keeps_a_TilbudId_on_SMDBs_list) {
  startSandbox({{"smdb.tilbudList", write("tilbud.csv", "12345,Tilbud A\n12346,Tilbud B\n").string()}});
  const CliResult s = sync();
  ASSERT_EQ(s.exit, 0) << s.out;
  EXPECT_NE(s.out.find("HentAlleTilbud: 2 entries"), std::string::npos) << s.out;
  const CliResult in = reghub({"ingest", "--config", config(), "--as-of", kAsOf, "--format", "json",
                               (kCases / "BASE__keep_complete_forloeb/input.json").string()});
  EXPECT_EQ(in.exit, 0) << in.out;
  EXPECT_EQ(countRule(in.out, "SMDB-TILB-13"), 0);
}

TEST_F(SmdbSyncE2e, SMDB_TILB_13_breaks_a_TilbudId_missing_from_SMDBs_list) {
  startSandbox({{"smdb.tilbudList", write("tilbud.csv", "12345,Tilbud A\n").string()}});
  ASSERT_EQ(sync().exit, 0);
  const CliResult in = reghub({"ingest", "--config", config(), "--as-of", kAsOf, "--format", "json",
                               (kCases / "BASE__keep_complete_forloeb/input.json").string()});
  EXPECT_EQ(in.exit, 1);
  EXPECT_EQ(countRule(in.out, "SMDB-TILB-13"), 1) << in.out;
  EXPECT_NE(in.out.find("12346"), std::string::npos);
}

}  // namespace
