#pragma once
// What every KL Gateway IG's reports share around their entries (the IGs'
// common report contract, CONTRACT §2/§3): the collection Bundle of a
// DeliveryReport (id a v5 UUID of its content, so a resend of the same content
// reuses it; timestamp the end of the delivery day, 23:59:59 Copenhagen, which
// keeps replays reproducible), the IncrementalDelivery wrapper, stable UUIDs
// for source resources, pretty JSON. The IG-specific parts are data
// (`ReportShape`). Pure: no I/O, thread-safe.
#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hub/model/date.h"

namespace reghub::kl_gateway {

// An IG's report contract as data.
struct ReportShape {
  std::string reportProfileUrl;       // the DeliveryReport's meta.profile
  std::string incrementalProfileUrl;  // the IncrementalDelivery's meta.profile
  std::string idNamespace;            // RFC 4122 v5 namespace of the adapter's name-based ids
  std::string fullUrlBase;            // entry fullUrls: {base}/{Type}/{id}
  std::string hashPrefix;             // prepended to the entries' compact JSON before hashing
};

// Whether `s` is a UUID in lower-case canonical form.
bool isUuid(std::string_view s);

// The outbound id of a source resource: its id when that is a lower-case
// UUID, else a name-based (v5) UUID of the SOR code and "Type/id" — stable
// per source resource.
std::string stableId(const std::string& idNamespace, const std::string& sor, const std::string& type,
                     const std::string& id);

// Pretty JSON (two-space indent, UTF-8) with a final newline.
std::string toJson(const rapidjson::Value& v);

// Bundle.timestamp of a report for day `d`: 23:59:59 Copenhagen, in UTC.
std::string deliveryTimestamp(const model::Date& d);

// An entry {fullUrl: {base}/{type}/{id}, resource} (the resource is moved in).
rapidjson::Value reportEntry(const ReportShape& shape, const std::string& type, const std::string& id,
                             rapidjson::Value&& resource, rapidjson::Document::AllocatorType& a);

struct ReportIds {
  std::string bundleId;
  std::string contentHash;  // empty when not hashed
};

// The ids finishReport gives a report with these entries (Bundle.entry), hashed.
ReportIds contentIds(const rapidjson::Value& entries, const ReportShape& shape);

// Makes `doc` the DeliveryReport around `entries` (moved in): resourceType,
// id, meta.profile, type collection, timestamp, entry. `hashed` false: the
// content is not hashed and Bundle.id is `placeholderId` (for a report only
// validated, whose one check of Bundle.id — FHIR id syntax — any UUID passes).
inline constexpr const char* kPlaceholderBundleId = "00000000-0000-5000-8000-000000000000";
ReportIds finishReport(rapidjson::Document& doc, rapidjson::Value&& entries, const model::Date& day,
                       const ReportShape& shape, bool hashed = true, const char* placeholderId = kPlaceholderBundleId);

// One IncrementalDelivery holding the given reports (Bundle.id, Bundle), its
// id from theirs, as JSON text; no `entry` when there are none.
std::string incrementalDelivery(const std::vector<std::pair<std::string, const rapidjson::Value*>>& reports,
                                const std::string& timestamp, const ReportShape& shape);

}  // namespace reghub::kl_gateway
