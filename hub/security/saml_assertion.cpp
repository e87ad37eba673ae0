#include "hub/security/saml_assertion.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>

#include "hub/security/codec.h"
#include "hub/security/credentials.h"
#include "hub/security/verified_tokens.h"
#include "hub/security/xml_doc.h"
#include "hub/security/xml_signature.h"

namespace reghub::security {

SharedX509 shareX509(X509* cert) {
  if (!cert) return nullptr;
  X509_up_ref(cert);
  return SharedX509(cert, X509_free);
}

SharedX509 sharedCertificateFromDer(const std::string& der) {
  static std::mutex mutex;
  static std::map<std::string, SharedX509> parsed;
  constexpr size_t kMax = 64;  // tokens in use at once; more are parsed again
  {
    std::lock_guard lock(mutex);
    if (const auto it = parsed.find(der); it != parsed.end()) return it->second;
  }
  X509Ptr cert = certificateFromDer(der);
  if (!cert) return nullptr;
  SharedX509 shared(cert.release(), X509_free);
  std::lock_guard lock(mutex);
  if (parsed.size() >= kMax) parsed.clear();
  parsed.emplace(der, shared);
  return shared;
}

namespace {

std::chrono::system_clock::time_point timeAttr(const xmlNode* n, const char* name) {
  return parseUtc(attribute(n, nullptr, name)).value_or(std::chrono::system_clock::time_point{});
}

SharedX509 confirmationCertificate(const xmlNode* subject) {
  for (const xmlNode* c : childElements(subject)) {
    if (!isElement(c, ns::kSaml, "SubjectConfirmation") || attribute(c, nullptr, "Method") != kHolderOfKey) continue;
    const xmlNode* data = firstChild(c, ns::kSaml, "SubjectConfirmationData");
    const xmlNode* certNode = findDescendant(data, ns::kDs, "X509Certificate");
    const auto der = base64Decode(textOf(certNode));
    if (!der) continue;
    if (SharedX509 cert = sharedCertificateFromDer(*der)) return cert;
  }
  return nullptr;
}

std::string isoOf(std::chrono::system_clock::time_point t) { return formatUtc(t); }

// Why the assertion's signature is not the STS's, or nullopt when it is —
// verified, or this exact assertion verified before (policy.verifiedTokens).
std::optional<std::string> stsSignatureProblem(xmlDoc* doc, xmlNode* assertion, xmlNode* sig,
                                               const AssertionPolicy& policy, const AssertionInfo& info,
                                               std::chrono::system_clock::time_point now) {
  X509* sts = policy.stsCertificate.get();
  const std::string key = policy.verifiedTokens && sts ? VerifiedTokens::keyOf(doc, assertion, sts) : std::string();
  if (!key.empty() && policy.verifiedTokens->verified(key, now)) return std::nullopt;
  const SignatureCheck s = verify(doc, sig, sts ? X509_get0_pubkey(sts) : nullptr);
  if (!s) return s.problem;
  if (!s.covers(assertion)) return std::string("signs another element");
  // Remembered only when it signs the assertion alone: then nothing outside it was read.
  if (!key.empty() && s.signedNodes.size() == 1) policy.verifiedTokens->remember(key, info.notOnOrAfter + policy.clockSkew);
  return std::nullopt;
}

AssertionCheck fail(AssertionCheck c, AssertionCheck::Problem p, std::string message) {
  c.problem = p;
  c.message = std::move(message);
  return c;
}

}  // namespace

AssertionInfo readAssertion(const xmlNode* a) {
  AssertionInfo info;
  info.id = attribute(a, nullptr, "ID");
  info.issuer = textOf(firstChild(a, ns::kSaml, "Issuer"));
  const xmlNode* subject = firstChild(a, ns::kSaml, "Subject");
  info.nameId = textOf(firstChild(subject, ns::kSaml, "NameID"));
  info.holderOfKey = confirmationCertificate(subject);
  const xmlNode* conditions = firstChild(a, ns::kSaml, "Conditions");
  info.notBefore = timeAttr(conditions, "NotBefore");
  info.notOnOrAfter = timeAttr(conditions, "NotOnOrAfter");
  for (const xmlNode* r : childElements(conditions))
    if (isElement(r, ns::kSaml, "AudienceRestriction"))
      for (const xmlNode* au : childElements(r))
        if (isElement(au, ns::kSaml, "Audience")) info.audiences.push_back(textOf(au));
  for (const xmlNode* st : childElements(a))
    if (isElement(st, ns::kSaml, "AttributeStatement"))
      for (const xmlNode* at : childElements(st))
        if (isElement(at, ns::kSaml, "Attribute"))
          info.attributes.emplace(attribute(at, nullptr, "Name"), textOf(firstChild(at, ns::kSaml, "AttributeValue")));
  return info;
}

AssertionCheck checkAssertion(xmlDoc* doc, xmlNode* assertion, const AssertionPolicy& policy,
                              std::chrono::system_clock::time_point now) {
  AssertionCheck c;
  if (!isElement(assertion, ns::kSaml, "Assertion"))
    return fail(c, AssertionCheck::Problem::kMalformed, "ingen saml:Assertion / no saml:Assertion");
  c.info = readAssertion(assertion);
  if (c.info.id.empty() || c.info.notOnOrAfter == std::chrono::system_clock::time_point{})
    return fail(c, AssertionCheck::Problem::kMalformed,
                "assertion uden ID eller Conditions/@NotOnOrAfter / assertion without ID or Conditions/@NotOnOrAfter");
  // The signature first: nothing else in an unsigned assertion means anything.
  xmlNode* sig = firstChild(assertion, ns::kDs, "Signature");
  if (!sig)
    return fail(c, AssertionCheck::Problem::kSignature, "assertion er ikke signeret / the assertion is not signed");
  if (const auto problem = stsSignatureProblem(doc, assertion, sig, policy, c.info, now))
    return fail(c, AssertionCheck::Problem::kSignature,
                "assertionens signatur er ikke STS'ens (" + *problem +
                    ") / the assertion is not signed by the configured STS certificate");
  if (c.info.issuer != policy.issuer)
    return fail(c, AssertionCheck::Problem::kIssuer,
                "forkert udsteder / wrong issuer: '" + c.info.issuer + "', expected '" + policy.issuer + "'");
  if (std::find(c.info.audiences.begin(), c.info.audiences.end(), policy.audience) == c.info.audiences.end())
    return fail(c, AssertionCheck::Problem::kAudience,
                "assertion er til en anden tjeneste / the assertion is for another audience (expected '" +
                    policy.audience + "')");
  if (c.info.notBefore != std::chrono::system_clock::time_point{} && now + policy.clockSkew < c.info.notBefore)
    return fail(c, AssertionCheck::Problem::kNotYetValid,
                "assertion er endnu ikke gyldig (NotBefore " + isoOf(c.info.notBefore) +
                    ") — kontroller urets tid / not yet valid: check the clock");
  if (now - policy.clockSkew >= c.info.notOnOrAfter)
    return fail(c, AssertionCheck::Problem::kExpired,
                "assertion er udløbet (NotOnOrAfter " + isoOf(c.info.notOnOrAfter) + ") / the token has expired");
  if (!c.info.holderOfKey)
    return fail(c, AssertionCheck::Problem::kHolderOfKey,
                "ingen holder-of-key certifikat i assertion / no holder-of-key certificate in the assertion");
  if (policy.holderOfKey && !sameCertificate(policy.holderOfKey.get(), c.info.holderOfKey.get()))
    return fail(c, AssertionCheck::Problem::kHolderOfKey,
                "assertion er udstedt til et andet certifikat / the assertion is bound to another certificate");
  c.problem = AssertionCheck::Problem::kNone;
  return c;
}

}  // namespace reghub::security
