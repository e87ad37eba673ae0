#pragma once
// SOAP 1.1 / 1.2 as the WS-* code needs it: namespaces, the HTTP framing
// (content type, SOAPAction), faults with WS-Security / WS-Trust codes.
// Pure functions; thread-safe.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace reghub::security {

enum class SoapVersion { k11, k12 };

// "1.1" / "1.2" → version; nullopt otherwise.
std::optional<SoapVersion> parseSoapVersion(std::string_view text);
std::string_view toString(SoapVersion v);
const char* soapNamespace(SoapVersion v);
// HTTP framing of one request: 1.1 text/xml + SOAPAction header; 1.2
// application/soap+xml with the action parameter.
std::string soapContentType(SoapVersion v, const std::string& action);
std::map<std::string, std::string> soapHeaders(SoapVersion v, const std::string& action);

// The WS-Security fault codes (WSS 1.1 §12) a service answers with.
inline constexpr const char* kInvalidSecurity = "wsse:InvalidSecurity";
inline constexpr const char* kFailedAuthentication = "wsse:FailedAuthentication";
inline constexpr const char* kInvalidSecurityToken = "wsse:InvalidSecurityToken";
inline constexpr const char* kMessageExpired = "wsse:MessageExpired";

// A fault envelope. `code` is a wsse:/wst: QName (declared on the fault)
// or "Client"/"Server" (1.1) — for 1.2 a wsse code becomes the Subcode of
// env:Sender. `reason` is escaped.
std::string soapFault(SoapVersion v, const std::string& code, const std::string& reason);

struct SoapFaultInfo {
  SoapVersion version = SoapVersion::k11;
  std::string code;     // the most specific code, as QName text: "wsse:FailedAuthentication", "s:Client"
  std::string localCode;  // its local part: "FailedAuthentication", "Client"
  std::string reason;
  bool senderFault() const;    // Client/Sender or a WS-Security/WS-Trust code: the request is wrong
  bool securityFault() const;  // a WS-Security / WS-Trust authentication code
};
// The fault of a SOAP 1.1 or 1.2 envelope; nullopt when the body is not a fault.
std::optional<SoapFaultInfo> parseSoapFault(std::string_view body);

}  // namespace reghub::security
