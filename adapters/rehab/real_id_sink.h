#pragma once
// Reports only validated are built without their content hash: Bundle.id is
// then kl_gateway's placeholder (the report's one check of it, FHIR id
// syntax, any UUID passes). A finding that names it (a Bundle's own
// element) gets the report's real id, made only then, so every diagnostic
// reads as it would have with the hash. Internal to the adapter.
#include <rapidjson/document.h>

#include <string>
#include <string_view>

#include "adapters/kl_gateway/report_envelope.h"
#include "hub/diag/reporter.h"

namespace reghub::rehab {

class RealIdSink final : public diag::Sink {
 public:
  // `bundle`: the report (its entries give the id); `active` false: passes everything on as it is.
  RealIdSink(diag::Sink& next, const rapidjson::Value& bundle, const kl_gateway::ReportShape& shape, bool active)
      : next_(next), bundle_(bundle), shape_(shape), active_(active) {}
  void report(diag::Diagnostic d) override {
    if (active_)
      for (std::string* s : {&d.path, &d.message, &d.forloeb, &d.field}) restore(*s);
    next_.report(std::move(d));
  }

 private:
  void restore(std::string& s) {
    const std::string_view placeholder = kl_gateway::kPlaceholderBundleId;
    for (size_t at = s.find(placeholder); at != std::string::npos; at = s.find(placeholder, at + real_.size())) {
      if (real_.empty()) real_ = kl_gateway::contentIds(bundle_["entry"], shape_).bundleId;
      s.replace(at, placeholder.size(), real_);
    }
  }
  diag::Sink& next_;
  const rapidjson::Value& bundle_;
  const kl_gateway::ReportShape& shape_;
  bool active_;
  std::string real_;  // made at the first finding that needs it
};

}  // namespace reghub::rehab
