// libFuzzer: FHIRPath text → parse → evaluate over a fixed resource. Any
// input must end as a ParseError, an evaluation error or a result — never
// a crash, a hang or unbounded memory.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hub/fhirpath/evaluator.h"

namespace {

const char* kResource = R"({"resourceType":"Bundle","id":"b","type":"collection","entry":[
 {"fullUrl":"Patient/p","resource":{"resourceType":"Patient","id":"p","active":true,"meta":{"profile":["http://x/p"]}}},
 {"resource":{"resourceType":"CarePlan","id":"c","status":"active","subject":{"reference":"Patient/p"},
   "activity":[{"detail":{"status":"cancelled","code":{"coding":[{"code":"x"},{"code":"y"}]}}}],
   "period":{"start":"2024-01-02","end":"2024-03-01"},"extension":[{"url":"u","valueInteger":3}]}}]})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const rapidjson::Document doc = [] {
    rapidjson::Document d;
    d.Parse(kResource);
    return d;
  }();
  static const reghub::fhirpath::Context ctx = [] {
    reghub::fhirpath::Context c;
    c.resolve = [](const std::string& ref) -> const rapidjson::Value* {
      return ref == "Patient/p" ? &doc["entry"][0]["resource"] : nullptr;
    };
    c.memberOf = [](const rapidjson::Value&, const std::string& vs) { return vs.size() % 2 == 0; };
    c.conformsTo = [](const rapidjson::Value& r, const std::string& url) { return r.HasMember("meta") && url == "http://x/p"; };
    c.today = "2026-12-01";
    return c;
  }();
  try {
    const auto e = reghub::fhirpath::Expression::parse(std::string_view(reinterpret_cast<const char*>(data), size));
    (void)reghub::fhirpath::evaluate(e, doc, ctx);
  } catch (const reghub::fhirpath::ParseError&) {
  }
  return 0;
}
