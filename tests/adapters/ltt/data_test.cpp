// The adapter's data files are loaded and checked at start-up.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "adapters/ltt/ltt_data.h"
#include "tests/adapters/ltt/test_util.h"
#include "tests/hub/net/test_dir.h"

namespace reghub::ltt {
namespace {

namespace fs = std::filesystem;

void copyData(const fs::path& to) {
  fs::create_directories(to / "mapping/ltt");
  fs::create_directories(to / "profiles/ltt");
  fs::create_directories(to / "profiles/fhir-r4");
  const fs::path from = test::sourceDir();
  fs::copy_file(from / "mapping/ltt/terminology.json", to / "mapping/ltt/terminology.json");
  fs::copy_file(from / "profiles/ltt/ltt-constraints.json", to / "profiles/ltt/ltt-constraints.json");
  fs::copy_file(from / "profiles/fhir-r4/core.json", to / "profiles/fhir-r4/core.json");
}

void replaceIn(const fs::path& f, const std::string& from, const std::string& to, const std::string& after = "") {
  std::string s = test::readFile(f.string());
  const size_t at = s.find(from, after.empty() ? 0 : s.find(after));
  ASSERT_NE(at, std::string::npos) << from;
  s.replace(at, from.size(), to);
  std::ofstream(f) << s;
}

TEST(LttData, LoadsTheShippedFiles) {
  const LttData& d = LttData::get();
  EXPECT_EQ(d.requireValueSet(kVsEncounterType).displayByKey.size(), 6u);
  EXPECT_EQ(d.requireValueSet(kVsFocus).displayByKey.size(), 8u);
  EXPECT_EQ(d.requireValueSet(kVsReferral).displayByKey.size(), 6u);
  EXPECT_EQ(d.uiMappings().size(), 4u);
  EXPECT_EQ(d.reportingStart().iso(), "2026-04-01");
  EXPECT_TRUE(d.core().types.count("Encounter.participant"));
}

TEST(LttData, MissingFileFailsStartUp) {
  reghub::test::TempDir dir;
  EXPECT_THROW(LttData::load(dir.str()), std::runtime_error);
}

TEST(LttData, UnknownValueSetInAConstraintFailsStartUp) {
  reghub::test::TempDir dir;
  copyData(dir.path());
  replaceIn(dir.path() / "profiles/ltt/ltt-constraints.json", "\"binding\": \"fkgateway-ltt-focus-area\"",
            "\"binding\": \"fkgateway-ltt-no-such-set\"");
  EXPECT_THROW(LttData::load(dir.str()), std::runtime_error);
}

TEST(LttData, UiMappingOutsideTheValueSetsFailsStartUp) {
  reghub::test::TempDir dir;
  copyData(dir.path());
  // Point the first UI mapping's delivery type at a participant code.
  replaceIn(dir.path() / "mapping/ltt/terminology.json", "\"code\": \"2865f123-15a7-4a36-a514-32ea37c400ca\"",
            "\"code\": \"ca228a58-bd0e-4b0e-81ce-3866adc26535\"", "\"uiTermMapping\"");
  EXPECT_THROW(LttData::load(dir.str()), std::runtime_error);
}

TEST(LttData, UnknownCoreTypeFailsStartUp) {
  reghub::test::TempDir dir;
  copyData(dir.path());
  replaceIn(dir.path() / "profiles/fhir-r4/core.json", "\"Coding*\"", "\"Codeing*\"");
  EXPECT_THROW(LttData::load(dir.str()), std::runtime_error);
}

}  // namespace
}  // namespace reghub::ltt
