#pragma once
// Unpacks FHIR JSON documents into the canonical model and links them into
// citizens. Internal to hub/ingest (the Ingestor drives it). Not
// thread-safe.
#include <rapidjson/fwd.h>

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "hub/diag/reporter.h"
#include "hub/model/citizen.h"

namespace reghub::ingest {

class ModelBuilder {
 public:
  using Emit = std::function<void(model::Citizen&&)>;
  ModelBuilder(const diag::Reporter& reporter, Emit emit);
  ~ModelBuilder();

  // One top-level document (a Bundle or a resource). `file`/`line` locate
  // it for diagnostics. Citizens whose Patient is in a Bundle are emitted
  // at the end of that Bundle.
  void addDocument(const rapidjson::Value& root, const std::string& file, int line);
  // Emits everything still held; reports what never resolved.
  void finish();
  size_t emitted() const { return emitted_; }

 private:
  struct Item;
  struct Unit;
  void walk(const rapidjson::Value& resource, const std::string& fullUrl, const std::string& path,
            const std::string& containerProfile, Unit& unit);
  void addResource(const rapidjson::Value& r, const std::string& fullUrl, const std::string& path,
                   const std::string& containerProfile, Unit& unit);
  void flushPatient(const std::string& patientKey);
  std::string resolveKey(const std::string& reference) const;

  diag::Reporter reporter_;
  Emit emit_;
  std::string file_;
  int line_ = 0;
  size_t emitted_ = 0;

  std::map<std::string, model::Organization> organizations_;     // canonical key → org (kept for the run)
  std::unordered_map<std::string, std::string> aliases_;         // fullUrl / Type/id → canonical key
  std::map<std::string, std::unique_ptr<Item>> items_;           // canonical key → pending resource
  std::vector<Item*> order_;                                     // pending items in input order (owned by items_)
};

}  // namespace reghub::ingest
