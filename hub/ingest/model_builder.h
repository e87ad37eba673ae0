#pragma once
// Holds every resource of one run and assembles them into citizens at the
// end (CONTRACT §1 "Deltas": all inputs of a `validate` or `translate` run
// are one input). Internal to hub/ingest (the Ingestor drives it).
//
// - A resource joins its citizen by the Patient it names (literal
//   `Patient/id`, a fullUrl of its Bundle, or an absolute URL), in any
//   document and any order; a resource that names no Patient joins through
//   the forløb it hangs on.
// - The citizen is the CPR: Patient resources with the same CPR (two source
//   systems) are one citizen.
// - The newer version of a resource replaces the older
//   (hub/state/version_order.h); an older one arriving late is an info.
// - Memory is bounded: past `memoryBudgetBytes` of held input, further
//   resources are kept in an encrypted temporary file
//   (hub/state/spill_store.h) and read back citizen by citizen.
// Not thread-safe. Throws only on I/O failure of the spill file.
#include <rapidjson/fwd.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "hub/diag/reporter.h"
#include "hub/ingest/resource_decoder.h"
#include "hub/model/citizen.h"
#include "hub/state/resource_record.h"

namespace reghub::state {
class SpillStore;
}  // namespace reghub::state

namespace reghub::ingest {

struct AssemblyOptions {
  // Input bytes held in memory before resources go to the spill file.
  size_t memoryBudgetBytes = 8u << 20;
};

class ModelBuilder {
 public:
  using Emit = std::function<void(model::Citizen&&)>;
  // With `collect`, nothing is held or assembled: every resource read is
  // handed over as a record (the delivery store keeps the citizen state).
  using Collect = std::function<void(state::ResourceRecord&&)>;
  ModelBuilder(const diag::Reporter& reporter, Emit emit, AssemblyOptions options = {}, Collect collect = {});
  ~ModelBuilder();

  // Whole Bundles handed over at once (Observer::takesProvisional; see
  // ingest.h): a Bundle whose citizens nothing before it named, and that
  // holds nothing else, is assembled at its end and emitted as provisional.
  // A later resource that touches such a citizen retracts it: its document
  // is read again (`reread`) and its resources are held as any others.
  struct Provisional {
    std::function<void(model::Citizen&&, uint64_t tag)> emit;
    std::function<void(uint64_t tag)> retract, commit;
    std::function<void(uint64_t docId,
                       const std::function<void(const rapidjson::Value&, const std::string& file, int line)>&)>
        reread;
  };
  void enableProvisional(Provisional provisional) { provisional_ = std::move(provisional); }
  // Whether a Bundle read now could still be handed over whole (not once the
  // run holds more than its budget).
  bool mayEmitWhole() const { return provisional_ && !spill_ && !collect_; }

  // One top-level document (a Bundle or a resource) of `bytes` input bytes.
  // `file`/`line` locate it for diagnostics. `docId` (not 0): the document
  // can be read again, so its citizens may be emitted provisionally.
  void addDocument(const rapidjson::Value& root, const std::string& file, int line, size_t bytes,
                   uint64_t docId = 0);
  // A resource held by the delivery store's citizen state, decoded silently
  // (its diagnostics were given when it arrived); `fresh`: new or changed
  // since the citizen was last rendered.
  void addRecord(const state::ResourceRecord& record, bool fresh);
  // Assembles and emits every citizen; reports what never found its citizen.
  void finish();
  size_t emitted() const { return emitted_; }
  size_t spilled() const { return spilledTotal_; }

 private:
  using Aliases = std::unordered_map<std::string, std::string>;
  // The Patient resources of one citizen (same CPR), in arrival order.
  struct Group {
    std::vector<DecodedResource*> patients;    // held
    std::vector<std::string> spilledPatients;  // keys of those in the spill file
    uint64_t position = 0;                     // arrival of its first Patient
  };

  void collectAliases(const rapidjson::Value& bundle, Aliases& aliases);
  void walk(const rapidjson::Value& resource, const ResourceSite& site, const Aliases& aliases);
  void add(const rapidjson::Value& resource, const ResourceSite& site, const Aliases& aliases);
  void hold(DecodedResource&& d, const ResourceSite& site, bool report);
  static state::ResourceRecord toRecord(const rapidjson::Value& resource, const DecodedResource& d,
                                        const ResourceSite& site);
  static std::unique_ptr<DecodedResource> decodeRecord(const state::ResourceRecord& s, const diag::Reporter& reporter);
  void spill(const rapidjson::Value& resource, const DecodedResource& d, const ResourceSite& site);
  std::unique_ptr<DecodedResource> unspill(const state::ResourceRecord& s);

  std::vector<Group> citizenGroups() const;
  // The citizens in the order of their first Patient (through the spill
  // file's grouping once there is one, so memory stays bounded).
  void forEachGroup(const std::function<void(const Group&)>& fn);
  void indexHeld();
  model::Citizen assemble(const std::vector<DecodedResource*>& patients, std::vector<DecodedResource*>& members);

  // Provisional emission of whole Bundles (model_builder_whole.cpp).
  // A provisional citizen, kept small (one per citizen of a whole run): its
  // keys are found again in its document when it is retracted.
  struct Tag {
    uint64_t position = 0;  // arrival of its first Patient: its place among the citizens
    uint64_t docId = 0;
    uint64_t firstArrival = 0;  // of its document's first resource (read again, it is numbered the same)
    uint32_t group = 0;         // which citizen of its document (in the order of its Patients)
    bool live = true;
  };
  // One citizen of a Bundle: its Patients, forløb and everything else.
  struct BundleCitizen {
    std::vector<DecodedResource*> patients, members;
    std::vector<std::string> patientKeys, forloebKeys;
    std::vector<uint64_t> names;  // what a later resource touching it would name
    std::vector<std::string> orgKeys;
  };
  using Scratch = std::vector<std::pair<DecodedResource, ResourceSite>>;
  static std::vector<BundleCitizen> bundleCitizens(Scratch& scratch);
  bool tryEmitWhole(uint64_t docId);
  bool isWhole() const;
  void retractTouched(const DecodedResource& d);
  void retract(uint64_t tag);
  static std::vector<uint64_t> touchNames(const DecodedResource& d);
  void finishInOrder();
  void emitCitizen(const Group& group);
  void attach(model::Citizen& citizen, std::vector<DecodedResource*>& members);
  // citizen.resources: the members kept as sent and the Organizations they name.
  void keepAsSent(model::Citizen& citizen, const std::vector<DecodedResource*>& members) const;
  void reportUnresolved();

  diag::Reporter reporter_;
  Emit emit_;
  AssemblyOptions options_;
  Collect collect_;
  std::string file_;
  int line_ = 0;
  size_t emitted_ = 0;
  uint64_t arrival_ = 0;
  size_t heldBytes_ = 0;
  uint64_t docFirstArrival_ = 0;
  size_t spilledTotal_ = 0;

  // The latest version of every resource, in order of first arrival (a deque:
  // addresses stay put, so byKey_ can view the keys in place).
  std::deque<DecodedResource> held_;
  std::unordered_map<std::string_view, DecodedResource*> byKey_;
  std::vector<DecodedResource*> patients_;  // in arrival order

  std::optional<Provisional> provisional_;
  std::vector<Tag> tags_;                               // tag id = index + 1
  std::unordered_multimap<uint64_t, uint32_t> emittedNames_;  // name hash → tag of a provisional citizen
  std::unordered_map<uint64_t, std::vector<uint32_t>> emittedOrgs_;  // organization → tags that name it
  std::unordered_set<uint64_t> heldNames_;              // names of held resources (a Bundle naming them is not whole)
  bool scratchMode_ = false;                            // the Bundle at hand is collected, not held, until judged
  Scratch scratch_;
  Scratch* rehydrating_ = nullptr;                      // a retracted citizen's document, read again, lands here
  std::map<std::string, model::Organization> organizations_;
  std::map<std::string, std::string> organizationsAsSent_;  // canonical key → kept-as-sent JSON                // canonical key → org
  std::unique_ptr<state::SpillStore> spill_;                                // made when the budget is reached
  std::vector<std::unique_ptr<DecodedResource>> unspilled_;                 // read back, for the citizen at hand
  // Built once at finish(): held resources by the Patient they name, and
  // those that name none by their parent forløb.
  std::unordered_map<std::string, std::vector<DecodedResource*>> byPatient_, orphansByParent_;
};

}  // namespace reghub::ingest
