#pragma once
// Reading inbound FHIR R4 (CONTRACT §1): JSON, XML, NDJSON; files,
// directories (recursively, in sorted order) and stdin ("-").
//
// Streaming: each top-level document (an NDJSON line, a file) is parsed,
// handed to onSource(), unpacked into the model and freed. Everything read
// by one Ingestor is one input (CONTRACT §1 "Deltas"): a resource joins its
// citizen whichever document and order it comes in, so citizens are handed
// to onCitizen() at finish() — or, to an observer that takes provisional
// citizens, a Bundle's whole citizens at once (see Observer below). What is
// held past Limits::memoryBudgetBytes goes to an encrypted temporary file
// (hub/state/spill_store.h), so memory stays bounded whatever the size and
// order of the input.
//
// Problems in the input are diagnostics (HUB-… rules, docs/DIAGNOSTICS.md);
// unreadable input (missing file, malformed JSON/XML, not FHIR — no or a
// non-R4 resourceType anywhere in the document, a string over 1 MB) also sets
// unreadable(), which the CLI turns into exit code 2; such a document is not
// used at all (document_check.h). Never throws for bad
// input. Not thread-safe; one Ingestor per input stream.
#include <cstddef>
#include <functional>
#include <memory>
#include <set>
#include <vector>
#include <string>
#include <string_view>

#include "hub/diag/reporter.h"
#include "hub/ingest/source_document.h"
#include "hub/model/citizen.h"
#include "hub/state/resource_record.h"

namespace reghub::ingest {

struct Limits {
  size_t maxDocumentBytes = 64u << 20;  // one JSON/XML document (a file or an NDJSON line)
  unsigned maxDepth = 64;               // nesting of objects/arrays/elements
  size_t memoryBudgetBytes = 8u << 20; // input held in memory before resources spill to disk
};

class Observer {
 public:
  virtual ~Observer() = default;
  // Every top-level document before unpacking (adapters' inspectSource).
  virtual void onSource(const SourceDocument&) {}
  virtual void onCitizen(model::Citizen&& citizen) = 0;
  // An observer that keeps the citizen state itself (the delivery store)
  // returns true: it then gets every resource as read, as a record
  // (onResource), and no citizens.
  virtual bool collectsResources() const { return false; }
  virtual void onResource(state::ResourceRecord&&) {}

  // Streaming (opt in): a Bundle that holds whole citizens — nothing before
  // it named them, everything in it is theirs — hands them over at once, as
  // *provisional*: a later document may still add to them. The observer
  // holds what it makes of such a citizen until onCommit(tag) (at finish(),
  // in the order citizens are emitted) and drops it on onRetract(tag): a
  // later document touched that citizen, which then comes again, complete,
  // through onCitizen or another provisional tag. Observers that do not opt
  // in get every citizen once, at finish().
  virtual bool takesProvisional() const { return false; }
  virtual void onProvisional(model::Citizen&&, uint64_t /*tag*/) {}
  virtual void onRetract(uint64_t /*tag*/) {}
  virtual void onCommit(uint64_t /*tag*/) {}
};

class Ingestor {
 public:
  Ingestor(Observer& observer, const diag::Reporter& reporter, Limits limits = {});
  ~Ingestor();
  Ingestor(const Ingestor&) = delete;
  Ingestor& operator=(const Ingestor&) = delete;

  // A file, a directory (recursively) or "-" for stdin.
  void readPath(const std::string& path);
  // Bytes already in memory (HTTP intake). `name` is used as the file in
  // diagnostics; `contentType` may be empty (then sniffed). With an observer
  // that takes provisional citizens, `bytes` must stay valid until finish()
  // (a retracted citizen's documents are read again from them).
  void readBuffer(std::string_view name, std::string_view bytes, std::string_view contentType = {});
  // Flushes citizens still held and reports dangling references.
  void finish();

  bool unreadable() const;
  size_t citizensEmitted() const;
  // Resources that went to the spill file (past the memory budget).
  size_t resourcesSpilled() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Assembles citizens from records the delivery store holds for them
// (hub/store/citizen_state.h) and hands them to observer.onCitizen().
// Records whose key is in `fresh` changed since the citizen was last
// rendered and are marked so in the model. Decoding is silent (problems in a
// resource were reported when it was read); assembly problems (HUB-REF-01)
// are reported. Never throws for bad data.
void assembleRecords(const std::vector<state::ResourceRecord>& records, const std::set<std::string>& fresh,
                     const diag::Reporter& reporter, Observer& observer);

}  // namespace reghub::ingest
