#include "hub/security/xml_signature.h"

#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>

#include <algorithm>
#include <mutex>

#include "hub/security/xml_doc.h"
#include "hub/security/xmlsec_util.h"

namespace reghub::security {

namespace {

// xmlsec reports errors through a global callback; keep the last one per
// thread so a failure can say why, instead of printing to stderr.
thread_local std::string tLastError;

void recordError(const char* /*file*/, int /*line*/, const char* func, const char* errorObject,
                 const char* errorSubject, int reason, const char* msg) {
  std::string e;
  if (errorObject) e += std::string(errorObject) + ": ";
  if (errorSubject) e += std::string(errorSubject) + ": ";
  for (xmlSecSize i = 0; xmlSecErrorsGetMsg(i) != nullptr; ++i)
    if (xmlSecErrorsGetCode(i) == reason) {
      e += xmlSecErrorsGetMsg(i);
      break;
    }
  if (msg && *msg) e += std::string(" (") + msg + ")";
  if (e.empty() && func) e = func;
  tLastError = e;
}

std::string takeLastError() {
  std::string e = tLastError.empty() ? "unknown xmlsec error" : tLastError;
  tLastError.clear();
  return e;
}

// ---- exclusive c14n of one subtree --------------------------------------

int inSubtree(void* root, xmlNodePtr node, xmlNodePtr parent) {
  // Namespace nodes arrive as xmlNs* with their element as `parent`; the
  // `type` field sits at the same offset in xmlNs and xmlNode.
  const xmlNode* n = (node == nullptr || node->type == XML_NAMESPACE_DECL) ? parent : node;
  for (; n; n = n->parent)
    if (n == root) return 1;
  return 0;
}

int appendToString(void* context, const char* buffer, int len) {
  static_cast<std::string*>(context)->append(buffer, static_cast<size_t>(len));
  return len;
}

// ---- the STR-Transform (WSS 1.1 §8.3) --------------------------------------

// The token an STR points at: a SAML assertion by KeyIdentifier (SAMLID)
// or any element by wsse:Reference URI="#id". Null when it does not resolve.
xmlNode* dereference(xmlDoc* doc, const xmlNode* str) {
  if (const xmlNode* ki = firstChild(str, ns::kWsse, "KeyIdentifier")) {
    std::string id = textOf(ki);
    id.erase(std::remove_if(id.begin(), id.end(), [](char c) { return c == ' ' || c == '\n' || c == '\t'; }),
             id.end());
    xmlNode* token = elementById(doc, id);
    return isElement(token, ns::kSaml, "Assertion") ? token : nullptr;
  }
  if (const xmlNode* ref = firstChild(str, ns::kWsse, "Reference")) {
    const std::string uri = attribute(ref, nullptr, "URI");
    if (uri.size() < 2 || uri[0] != '#') return nullptr;
    return elementById(doc, uri.substr(1));
  }
  return nullptr;
}

// The STR the reference selected. xmlsec hands over a node-set expression
// (a chain of sets: the document intersected with the URI's subtree), not a
// list, so ask it which STR it contains; the first in document order is the
// subtree's root.
xmlNode* containedStr(xmlSecNodeSetPtr nodes, xmlNode* n) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if (isElement(n, ns::kWsse, "SecurityTokenReference") && xmlSecNodeSetContains(nodes, n, n->parent) == 1) return n;
    if (xmlNode* d = containedStr(nodes, n->children)) return d;
  }
  return nullptr;
}

xmlNode* referencedStr(xmlSecNodeSetPtr nodes) {
  if (!nodes || !nodes->doc) return nullptr;
  return containedStr(nodes, xmlDocGetRootElement(nodes->doc));
}

int strInitialize(xmlSecTransformPtr) { return 0; }
void strFinalize(xmlSecTransformPtr) {}

// The TransformationParameters must ask for exclusive c14n, the only
// canonicalisation OIO IDWS uses.
int strReadNode(xmlSecTransformPtr, xmlNodePtr node, xmlSecTransformCtxPtr) {
  const xmlNode* params = firstChild(node, ns::kWsse, "TransformationParameters");
  const xmlNode* method = firstChild(params, ns::kDs, "CanonicalizationMethod");
  if (!method || attribute(method, nullptr, "Algorithm") != kExcC14n) {
    tLastError = "STR-Transform: TransformationParameters/CanonicalizationMethod must be exclusive c14n";
    return -1;
  }
  return 0;
}

xmlSecTransformDataType strDataType(xmlSecTransformPtr, xmlSecTransformMode mode, xmlSecTransformCtxPtr) {
  return mode == xmlSecTransformModePush ? xmlSecTransformDataTypeXml : xmlSecTransformDataTypeBin;
}

int strPushXml(xmlSecTransformPtr transform, xmlSecNodeSetPtr nodes, xmlSecTransformCtxPtr ctx) {
  if (transform->status == xmlSecTransformStatusWorking || transform->status == xmlSecTransformStatusFinished)
    return 0;
  transform->status = xmlSecTransformStatusWorking;
  const xmlNode* str = referencedStr(nodes);
  if (!isElement(str, ns::kWsse, "SecurityTokenReference")) {
    tLastError = "STR-Transform: the reference does not point at a wsse:SecurityTokenReference";
    return -1;
  }
  xmlNode* token = dereference(nodes->doc, str);
  if (!token) {
    tLastError = "STR-Transform: the SecurityTokenReference does not resolve to a token in the message";
    return -1;
  }
  const std::string c14n = exclusiveC14n(nodes->doc, token);
  const auto* data = reinterpret_cast<const xmlSecByte*>(c14n.data());
  const auto size = static_cast<xmlSecSize>(c14n.size());
  const int ret = transform->next ? xmlSecTransformPushBin(transform->next, data, size, 1, ctx)
                                  : xmlSecBufferAppend(&transform->outBuf, data, size);
  if (ret < 0) return -1;
  transform->status = xmlSecTransformStatusFinished;
  return 0;
}

xmlSecTransformKlass strTransformKlass = {
    sizeof(xmlSecTransformKlass),
    sizeof(xmlSecTransform),
    reinterpret_cast<const xmlChar*>("str-transform"),
    reinterpret_cast<const xmlChar*>(kStrTransform),
    xmlSecTransformUsageDSigTransform,
    strInitialize,
    strFinalize,
    strReadNode,
    nullptr,  // writeNode: templates are written by the caller
    nullptr,
    nullptr,
    nullptr,
    strDataType,
    nullptr,
    nullptr,
    strPushXml,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
};

xmlSecTransformId strTransformId() { return &strTransformKlass; }

// ---- keys ----------------------------------------------------------------

struct KeyFree {
  void operator()(xmlSecKeyPtr k) const { xmlSecKeyDestroy(k); }
};
struct DsigFree {
  void operator()(xmlSecDSigCtxPtr c) const { xmlSecDSigCtxDestroy(c); }
};

}  // namespace

xmlSecKeyPtr detail::adoptKey(EVP_PKEY* pkey) {
  EVP_PKEY_up_ref(pkey);  // xmlsec adopts (and frees) its reference
  xmlSecKeyDataPtr data = xmlSecOpenSSLEvpKeyAdopt(pkey);
  if (!data) {
    EVP_PKEY_free(pkey);
    return nullptr;
  }
  xmlSecKeyPtr key = xmlSecKeyCreate();
  if (!key || xmlSecKeySetValue(key, data) < 0) {
    xmlSecKeyDataDestroy(data);
    if (key) xmlSecKeyDestroy(key);
    return nullptr;
  }
  return key;
}

std::string detail::takeXmlsecError() { return takeLastError(); }

namespace {

std::string digestTransforms(ReferenceSpec::Kind kind) {
  const std::string exc = std::string("<ds:Transform Algorithm=\"") + kExcC14n + "\"/>";
  switch (kind) {
    case ReferenceSpec::Kind::kPlain: return exc;
    case ReferenceSpec::Kind::kEnveloped:
      return std::string("<ds:Transform Algorithm=\"") + kEnvelopedSignature + "\"/>" + exc;
    case ReferenceSpec::Kind::kStrTransform:
      return std::string("<ds:Transform Algorithm=\"") + kStrTransform + "\"><wsse:TransformationParameters xmlns:wsse=\"" +
             ns::kWsse + "\"><ds:CanonicalizationMethod Algorithm=\"" + kExcC14n +
             "\"/></wsse:TransformationParameters></ds:Transform>";
  }
  return exc;
}

}  // namespace

void initXmlSecurity() {
  static std::once_flag once;
  std::call_once(once, [] {
    xmlInitParser();
    if (xmlSecInit() < 0) throw SignatureError("xmlsec initialisation failed");
    if (xmlSecCheckVersion() != 1) throw SignatureError("xmlsec library version mismatch");
    if (xmlSecCryptoAppInit(nullptr) < 0 || xmlSecCryptoInit() < 0)
      throw SignatureError("xmlsec OpenSSL back end initialisation failed");
    xmlSecErrorsSetCallback(recordError);  // after the crypto init, which installs its own
    if (xmlSecTransformIdsRegister(strTransformId()) < 0) throw SignatureError("registering the STR-Transform failed");
  });
}

std::string signatureTemplate(const std::vector<ReferenceSpec>& references, const std::string& keyInfoXml) {
  std::string s = std::string("<ds:Signature xmlns:ds=\"") + ns::kDs + "\"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"" +
                  kExcC14n + "\"/><ds:SignatureMethod Algorithm=\"" + kRsaSha256 + "\"/>";
  for (const ReferenceSpec& r : references)
    s += "<ds:Reference URI=\"#" + xmlEscape(r.id) + "\"><ds:Transforms>" + digestTransforms(r.kind) +
         "</ds:Transforms><ds:DigestMethod Algorithm=\"" + kSha256 + "\"/><ds:DigestValue></ds:DigestValue></ds:Reference>";
  s += "</ds:SignedInfo><ds:SignatureValue></ds:SignatureValue>";
  if (!keyInfoXml.empty()) s += "<ds:KeyInfo>" + keyInfoXml + "</ds:KeyInfo>";
  return s + "</ds:Signature>";
}

void sign(xmlDoc* doc, xmlNode* signature, const Credentials& key) {
  initXmlSecurity();
  std::string error;
  if (!registerIds(doc, error)) throw SignatureError("cannot sign: " + error);
  // KeyInfo is ours (an STR or a certificate), not xmlsec's to write:
  // detach it while xmlsec signs (KeyInfo is not signed) and put it back.
  xmlNode* keyInfo = firstChild(signature, ns::kDs, "KeyInfo");
  if (keyInfo) xmlUnlinkNode(keyInfo);
  std::unique_ptr<xmlSecDSigCtx, DsigFree> ctx(xmlSecDSigCtxCreate(nullptr));
  ctx->signKey = detail::adoptKey(key.privateKey());  // owned by ctx from here
  const int ret = ctx->signKey ? xmlSecDSigCtxSign(ctx.get(), signature) : -1;
  if (keyInfo) xmlAddChild(signature, keyInfo);
  if (ret < 0) throw SignatureError("xmlsec could not sign: " + takeLastError());
}

bool SignatureCheck::covers(const xmlNode* n) const {
  return n && std::find(signedNodes.begin(), signedNodes.end(), n) != signedNodes.end();
}

SignatureCheck verify(xmlDoc* doc, xmlNode* signature, EVP_PKEY* key) {
  SignatureCheck out;
  try {
    initXmlSecurity();
  } catch (const SignatureError& e) {
    out.problem = e.what();
    return out;
  }
  if (!key) {
    out.problem = "no key to verify the signature with";
    return out;
  }
  std::unique_ptr<xmlSecDSigCtx, DsigFree> ctx(xmlSecDSigCtxCreate(nullptr));
  ctx->flags |= XMLSEC_DSIG_FLAGS_STORE_SIGNEDINFO_REFERENCES | XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS;
  ctx->enabledReferenceUris = xmlSecTransformUriTypeSameDocument;
  for (xmlSecTransformId id : {xmlSecTransformExclC14NId, xmlSecTransformEnvelopedId, strTransformId(),
                               xmlSecTransformSha256Id, xmlSecTransformSha1Id})
    xmlSecDSigCtxEnableReferenceTransform(ctx.get(), id);
  for (xmlSecTransformId id : {xmlSecTransformExclC14NId, xmlSecTransformRsaSha256Id, xmlSecTransformRsaSha1Id})
    xmlSecDSigCtxEnableSignatureTransform(ctx.get(), id);
  ctx->signKey = detail::adoptKey(key);
  tLastError.clear();
  if (!ctx->signKey || xmlSecDSigCtxVerify(ctx.get(), signature) < 0) {
    out.problem = "the signature could not be processed: " + takeLastError();
    return out;
  }
  if (ctx->status != xmlSecDSigStatusSucceeded) {
    out.problem = "the signature does not verify: a signed part was changed after signing, or another key signed it";
    return out;
  }
  const xmlSecSize n = xmlSecPtrListGetSize(&ctx->signedInfoReferences);
  for (xmlSecSize i = 0; i < n; ++i) {
    const auto* ref = static_cast<xmlSecDSigReferenceCtxPtr>(xmlSecPtrListGetItem(&ctx->signedInfoReferences, i));
    const std::string uri = ref && ref->uri ? reinterpret_cast<const char*>(ref->uri) : "";
    if (uri.size() < 2 || uri[0] != '#') continue;
    if (xmlNode* node = elementById(doc, uri.substr(1))) {
      out.signedNodes.push_back(node);
      out.signedIds.push_back(uri.substr(1));
    }
  }
  out.valid = true;
  return out;
}

std::string exclusiveC14n(xmlDoc* doc, xmlNode* element) {
  std::string out;
  xmlOutputBufferPtr buf = xmlOutputBufferCreateIO(appendToString, nullptr, &out, nullptr);
  const int ret = xmlC14NExecute(doc, inSubtree, element, XML_C14N_EXCLUSIVE_1_0, nullptr, 0, buf);
  xmlOutputBufferClose(buf);
  if (ret < 0) return {};
  return out;
}

}  // namespace reghub::security
