#pragma once
// A KL Gateway adapter's view of a citizen: the citizen's kept-as-sent
// resources (model::Citizen::resources — the hub's forløb model has no
// ServiceRequest or Condition, and an IG's reports carry the sender's own
// shapes) that the adapter selected for its IG, each with the profile it is
// reported as, cut down to what that profile (and its DK-core parent)
// permits, with stable UUIDs and every reference rewritten to the outbound id.
//
// What is generic here: the pruning (every element the differential sets to
// 0..0; text, contained, meta, implicitRules, language; extensions no loaded
// profile defines; DK-core's one identifier per citizen — the CPR-nummer —
// and per Organization — the first SOR or FK organisation id), each drop
// said once as an info; the ids; the references. What is the IG's: which
// resources and which profile (the adapter's selection), and an adjustment
// before the references are rewritten (e.g. § 140's omitted entered-in-error
// fokustilstand).
//
// Pure: no I/O, thread-safe once built. Problems of the input are for the
// validator; what the profiles do not permit is dropped here.
#include <rapidjson/document.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/kl_gateway/profile_set.h"
#include "hub/diag/reporter.h"
#include "hub/model/citizen.h"

namespace reghub::kl_gateway {

// DK-core's identifier systems, shared by every KL IG.
inline constexpr const char* kCprSystem = "urn:oid:1.2.208.176.1.2";
inline constexpr const char* kSorSystem = "urn:oid:1.2.208.176.1.1";
inline constexpr const char* kKombitOrgSystem = "https://kombit.dk/sts/organisation";

struct ViewResource {
  std::string key;      // the source's canonical "Type/id"
  std::string type;
  std::string profile;  // profile id it is reported as
  std::string id;       // outbound id: the source id when a UUID, else a v5 UUID of SOR + key
  std::shared_ptr<rapidjson::Document> doc;  // the outbound resource (meta.profile set, references outbound)
  std::vector<std::string> refs;             // source keys it refers to
  std::optional<model::Date> changed;        // Copenhagen day of meta.lastUpdated, else of its event time
  bool fresh = true;                         // new or changed in this run (delivery store)
  model::SourceRef source;
};

// The IG, as the view needs it.
struct ViewSpec {
  const ProfileSet* profiles = nullptr;
  std::function<std::string(std::string_view)> profileUrl;  // profile id → StructureDefinition url
  std::string idNamespace;                                  // of the name-based ids
  std::string citizenProfile;                               // the Patient's profile id
  std::set<std::string> coreExtensions;                     // core extension urls the IG uses besides its own
  std::function<std::string(const std::string& profile)> dropRule;  // the rule a "not permitted" info is said under
};

// The adapter's selection: which of the citizen's resources its IG reports, each with its profile id.
using Selection = std::vector<std::pair<const model::Resource*, std::string>>;

class IgView {
 public:
  using Resources = std::map<std::string, ViewResource>;  // by source key
  // Runs after the pruning, before the references are rewritten; may remove resources.
  using Adjust = std::function<void(Resources&, const diag::Reporter* notes)>;

  IgView() = default;
  // `notes`: where dropped elements are said (info); null: silently. An
  // empty selection, or no Patient among the citizen's resources, is an empty view.
  IgView(const model::Citizen& citizen, const ViewSpec& spec, const Selection& selection, const diag::Reporter* notes,
         const Adjust& adjust = {});
  IgView(IgView&&) = default;
  IgView& operator=(IgView&&) = default;
  IgView(const IgView&) = delete;
  IgView& operator=(const IgView&) = delete;

  bool empty() const { return !citizen_; }
  const ViewResource* citizen() const { return citizen_; }
  // Every selected resource but the Patient, in the order the citizen's resources came.
  const std::vector<const ViewResource*>& content() const { return content_; }
  const ViewResource* find(const std::string& key) const;

 private:
  ViewResource make(const model::Resource& r, const std::string& profile, const std::string& sor) const;
  void prune(ViewResource& v, const ViewSpec& spec, const diag::Reporter* notes, const model::Citizen& c) const;
  void rewriteReferences();

  // The resources' documents allocate from one pool per view (each
  // document keeps it alive): a Document's own pool starts with a 64 KiB
  // chunk, for a resource of a kilobyte or two.
  std::shared_ptr<rapidjson::MemoryPoolAllocator<>> pool_ = std::make_shared<rapidjson::MemoryPoolAllocator<>>();
  Resources resources_;
  std::vector<const ViewResource*> content_;
  const ViewResource* citizen_ = nullptr;
  std::string idNamespace_;
};

// Every `reference` string inside v, in document order.
void references(const rapidjson::Value& v, std::vector<std::string>& out);

}  // namespace reghub::kl_gateway
