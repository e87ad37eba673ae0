#pragma once
// SMDB's read service, HentData (Kravspecifikation 1.2.1): the element
// layout of its requests and answers, for both sides (the hub's sync and the
// sandbox). The spec names the actions but not their elements; DST's WSDL
// (…securehentdata.svc?singlewsdl) decides. Until it is at hand the layout
// follows IndsaetData's (README.md "HentData layout"), and only this file
// changes when it is known. Pure: no I/O; thread-safe.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/smdb/field_table.h"

namespace reghub::smdb {

inline constexpr const char* kHentTarget = "/smdbwebservice/api/external/v1/securehentdata.svc";
inline constexpr const char* kHentActionBase = "http://smdb.dst.dk/api/external/v1/ISecureHentData/";

// One record SMDB holds: a skema of a sag (kontaktforløb). A sag is its
// anmodning; every other record hangs on a parent (iværksættelse and
// afslutning on the anmodning, tilknytning and KvalHep on the iværksættelse).
struct SmdbRecord {
  Skema skema = Skema::kAnm;
  std::string smdbId;
  std::string parentId;  // SmdbId of the record it hangs on; empty for an anmodning
  std::string sagId;     // SmdbId of the sag's anmodning (= smdbId for the anmodning)
  std::string kildeId;   // the sending system's KildeId; empty for records made in SMDB-web
  int version = 1;
  std::string kommune;   // 3-digit KommuneKode of the sag
  std::string cpr;       // SENSITIVE: the sag's PersonIdentifikator (10 digits)
  std::vector<std::pair<std::string, std::string>> fields;  // Variabelnavn → wire value, in order

  const std::string* field(const std::string& variable) const;
};

// The record actions and the skemaer each returns. HentAnmodninger returns
// the afslutning with its anmodning (the spec has no HentAfslutninger);
// HentIndskrivninger and HentYdelser the retired skemaer of old forløb. The
// pre-2019 HentAsi* actions are not read: the hub reports from the
// sanering (1 July 2019) on.
struct HentAction {
  const char* name;
  std::vector<Skema> skemaer;
};
const std::vector<HentAction>& recordActions();
const HentAction* recordAction(const std::string& name);
// The XML element of a record of this skema ("Anmodning", "Tilbudstilknytning", …).
const char* recordElement(Skema s);
std::optional<Skema> skemaOfRecordElement(const std::string& element);

// Reference lists: HentAlleTilbud (TilbudId, Navn) and HentLandeliste (Kode, Navn).
inline constexpr const char* kHentAlleTilbud = "HentAlleTilbud";
inline constexpr const char* kHentLandeliste = "HentLandeliste";
struct ListEntry {
  std::string code;
  std::string name;
};

// The Body content of a request: the kommune (3 digits) is required, a CPR
// narrows it to one citizen (the deliverer's look-up before a resend).
std::string hentRequest(const std::string& action, const std::string& kommune3, const std::string& cpr = {});
struct HentQuery {
  std::string action;
  std::string kommune;
  std::string cpr;
};
// nullopt with `error` when the Body content is not a HentData request.
std::optional<HentQuery> parseHentRequest(const std::string& bodyXml, std::string& error);

// The answers (the sandbox renders them in SOAP 1.1; the client reads 1.1 and 1.2).
std::string hentRecordsResponse(const std::string& action, const std::vector<SmdbRecord>& records);
std::string hentListResponse(const std::string& action, const std::vector<ListEntry>& entries);
std::optional<std::vector<SmdbRecord>> parseHentRecords(const std::string& action, const std::string& envelope,
                                                        std::string& error);
std::optional<std::vector<ListEntry>> parseHentList(const std::string& action, const std::string& envelope,
                                                    std::string& error);

}  // namespace reghub::smdb
