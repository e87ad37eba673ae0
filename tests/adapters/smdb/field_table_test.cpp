// The mapping data loads, is checked at start-up, and says what the spec says.
#include <Poco/AutoPtr.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>
#include <fstream>

#include "adapters/smdb/field_table.h"
#include "adapters/smdb/municipalities.h"
#include "adapters/smdb/settings.h"
#include "hub/engine/adapter_registry.h"

namespace fs = std::filesystem;
using namespace reghub::smdb;

namespace {

const reghub::model::Date kToday = *reghub::model::Date::parse("2026-06-01");

TEST(SmdbFieldTable, LoadsAll216ElementsOfTheSpec) {
  const auto t = FieldTable::load(REGHUB_SOURCE_DIR, kToday);
  EXPECT_EQ(t->size(), 216u);
  EXPECT_EQ(t->fields(Skema::kIvaer).size(), 147u);
  EXPECT_EQ(t->substances().size(), 22u);
  EXPECT_EQ(t->version(), "2024-07-01");
}

TEST(SmdbFieldTable, CodesAreTheValuesNotTheOptionNumbers) {
  const auto t = FieldTable::load(REGHUB_SOURCE_DIR, kToday);
  const FieldDef* f = t->find(Skema::kIvaer, "BehandlingGarantiOverskredetAarsagKode");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->fieldId, "4-IVÆR");
  ASSERT_GE(f->codes.size(), 3u);
  EXPECT_EQ(f->codes[2], "08");  // option 3) = code 08
  const FieldDef* koen = t->find(Skema::kAnm, "PersonKoenKode");
  ASSERT_NE(koen, nullptr);
  EXPECT_EQ(koen->codeLabels.at("01"), "Mand");
  EXPECT_EQ(koen->codeLabels.at("00"), "Kvinde");
}

TEST(SmdbFieldTable, NoTableInEffectBeforeTheFirstVersionIsAConfigError) {
  EXPECT_THROW(FieldTable::load(REGHUB_SOURCE_DIR, *reghub::model::Date::parse("2020-01-01")), std::runtime_error);
}

TEST(SmdbFieldTable, BrokenDataFailsAtStartUp) {
  const fs::path dir = fs::temp_directory_path() / ("smdb_mapping_" + std::to_string(::getpid()));
  fs::create_directories(dir / "mapping/smdb/2024-07-01");
  for (const char* f : {"mapping/smdb/manifest.json", "mapping/smdb/rule_map.json"})
    fs::copy_file(fs::path(REGHUB_SOURCE_DIR) / f, dir / f, fs::copy_options::overwrite_existing);
  std::ofstream(dir / "mapping/smdb/2024-07-01/fields.json")
      << R"([{"skema":"ANM","variable":"X","datatype":"Float","codes":null}])";
  try {
    FieldTable::load(dir.string(), kToday);
    ADD_FAILURE() << "expected a config error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown datatype"), std::string::npos) << e.what();
  }
  std::ofstream(dir / "mapping/smdb/2024-07-01/fields.json")
      << R"([{"skema":"ANM","variable":"X","datatype":"String","codes":[{"option":1,"code":"1"}]}])";
  EXPECT_THROW(FieldTable::load(dir.string(), kToday), std::runtime_error);
  fs::remove_all(dir);
}

TEST(SmdbSettings, UnknownOrBadKeysFailAtStartUp) {
  using reghub::config::Config;
  using reghub::config::ConfigError;
  // Through the factory, as at start-up: the registry refuses the unknown key.
  EXPECT_THROW(reghub::engine::AdapterRegistry::create("smdb", Config::fromMap({{"smdb.hiden_field_severity", "error"}})),
               ConfigError);  // typo
  EXPECT_THROW(Settings::fromConfig(Config::fromMap({{"smdb.systemskifteModel", "3"}, {"smdb.systemskifteDate", "2025-01-01"}})),
               ConfigError);
  EXPECT_THROW(Settings::fromConfig(Config::fromMap({{"smdb.systemskifteModel", "2"}})), ConfigError);  // no date D
  const Settings s = Settings::fromConfig(Config::fromMap({{"smdb.hiddenFieldSeverity", "error"},
                                                           {"smdb.systemskifteModel", "mellemloesning"},
                                                           {"smdb.systemskifteDate", "2025-01-01"}}));
  EXPECT_EQ(s.hiddenField, reghub::diag::Severity::kError);
  ASSERT_TRUE(s.goLive.has_value());
  EXPECT_EQ(s.goLive->iso(), "2025-01-01");
}

TEST(SmdbMunicipalities, All98KommunerWithThreeDigitCodes) {
  const auto m = Municipalities::load(REGHUB_SOURCE_DIR);
  EXPECT_EQ(m->size(), 98u);
  ASSERT_NE(m->nameOf("330"), nullptr);
  EXPECT_EQ(*m->nameOf("330"), "Slagelse");
  ASSERT_NE(m->nameOf("101"), nullptr);
  EXPECT_EQ(*m->nameOf("101"), "København");
  EXPECT_EQ(m->nameOf("411"), nullptr);  // Christiansø is not a kommune
  EXPECT_EQ(m->nameOf("999"), nullptr);
}

TEST(SmdbAdapterRegistration, RegisteredAsSmdb) {
  const auto names = reghub::engine::AdapterRegistry::registeredNames();
  EXPECT_NE(std::find(names.begin(), names.end(), "smdb"), names.end());
  const auto a = reghub::engine::AdapterRegistry::create("smdb");
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->understandsQuestionnaire("urn:reghub:smdb:IVAER"));
  EXPECT_TRUE(a->understandsQuestionnaire("urn:reghub:smdb:UDSK"));
  EXPECT_FALSE(a->understandsQuestionnaire("urn:reghub:smdb:ASI"));
}

}  // namespace
