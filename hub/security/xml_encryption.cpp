#include "hub/security/xml_encryption.h"

#include <libxml/xmlerror.h>
#include <xmlsec/crypto.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmlenc.h>
#include <xmlsec/xmltree.h>

#include <memory>

#include "hub/security/xml_doc.h"
#include "hub/security/xml_signature.h"
#include "hub/security/xmlsec_util.h"

namespace reghub::security {

namespace {

constexpr const char* kKeyName = "recipient";

void silent(void*, const char*, ...) {}

struct MngrFree {
  void operator()(xmlSecKeysMngrPtr m) const { xmlSecKeysMngrDestroy(m); }
};
struct EncFree {
  void operator()(xmlSecEncCtxPtr c) const { xmlSecEncCtxDestroy(c); }
};
using Mngr = std::unique_ptr<xmlSecKeysMngr, MngrFree>;

// A keys manager holding exactly one RSA key (public to encrypt, private to decrypt).
Mngr managerWith(EVP_PKEY* pkey) {
  Mngr m(xmlSecKeysMngrCreate());
  if (!m || xmlSecCryptoAppDefaultKeysMngrInit(m.get()) < 0) return nullptr;
  xmlSecKeyPtr key = detail::adoptKey(pkey);
  if (!key || xmlSecKeySetName(key, reinterpret_cast<const xmlChar*>(kKeyName)) < 0 ||
      xmlSecCryptoAppDefaultKeysMngrAdoptKey(m.get(), key) < 0) {
    if (key) xmlSecKeyDestroy(key);
    return nullptr;
  }
  return m;
}

}  // namespace

bool encryptAssertion(xmlDoc* doc, xmlNode* assertion, X509* recipient, std::string& error) {
  initXmlSecurity();
  if (!isElement(assertion, ns::kSaml, "Assertion") || !recipient) {
    error = "nothing to encrypt";
    return false;
  }
  Mngr mngr = managerWith(X509_get0_pubkey(recipient));
  xmlNodePtr data = xmlSecTmplEncDataCreate(doc, xmlSecTransformAes256CbcId, nullptr, xmlSecTypeEncElement, nullptr, nullptr);
  xmlNodePtr keyInfo = data ? xmlSecTmplEncDataEnsureKeyInfo(data, nullptr) : nullptr;
  xmlNodePtr encKey = keyInfo ? xmlSecTmplKeyInfoAddEncryptedKey(keyInfo, xmlSecTransformRsaOaepId, nullptr, nullptr, nullptr) : nullptr;
  xmlNodePtr encKeyInfo = encKey ? xmlSecTmplEncDataEnsureKeyInfo(encKey, nullptr) : nullptr;
  if (!mngr || !data || !xmlSecTmplEncDataEnsureCipherValue(data) || !encKey || !xmlSecTmplEncDataEnsureCipherValue(encKey) ||
      !encKeyInfo || !xmlSecTmplKeyInfoAddKeyName(encKeyInfo, reinterpret_cast<const xmlChar*>(kKeyName))) {
    if (data) xmlFreeNode(data);
    error = "cannot build the EncryptedData template: " + detail::takeXmlsecError();
    return false;
  }
  std::unique_ptr<xmlSecEncCtx, EncFree> ctx(xmlSecEncCtxCreate(mngr.get()));
  ctx->encKey = xmlSecKeyGenerate(xmlSecKeyDataAesId, 256, xmlSecKeyDataTypeSession);  // owned by ctx
  // The EncryptedAssertion goes where the assertion is; the assertion moves into it and is replaced by EncryptedData.
  xmlNode* wrapper = xmlNewDocNode(doc, nullptr, reinterpret_cast<const xmlChar*>("EncryptedAssertion"), nullptr);
  xmlSetNs(wrapper, xmlNewNs(wrapper, reinterpret_cast<const xmlChar*>(ns::kSaml), reinterpret_cast<const xmlChar*>("saml")));
  xmlReplaceNode(assertion, wrapper);
  xmlAddChild(wrapper, assertion);
  if (!ctx->encKey || xmlSecEncCtxXmlEncrypt(ctx.get(), data, assertion) < 0) {
    error = "xmlsec could not encrypt: " + detail::takeXmlsecError();
    xmlReplaceNode(wrapper, assertion);  // leave the document as it was
    xmlFreeNode(wrapper);
    xmlFreeNode(data);
    return false;
  }
  return true;
}

xmlNode* decryptAssertion(xmlDoc* doc, xmlNode* encrypted, const Credentials& key, std::string& error) {
  initXmlSecurity();
  xmlNode* data = firstChild(encrypted, ns::kXenc, "EncryptedData");
  if (!isElement(encrypted, ns::kSaml, "EncryptedAssertion") || !data) {
    error = "no saml:EncryptedAssertion/xenc:EncryptedData";
    return nullptr;
  }
  const xmlNode* method = firstChild(data, ns::kXenc, "EncryptionMethod");
  if (attribute(method, nullptr, "Algorithm") != kAes256Cbc) {
    error = "the assertion is not encrypted with aes256-cbc";
    return nullptr;
  }
  Mngr mngr = managerWith(key.privateKey());
  if (!mngr) {
    error = "cannot load the decryption key: " + detail::takeXmlsecError();
    return nullptr;
  }
  std::unique_ptr<xmlSecEncCtx, EncFree> ctx(xmlSecEncCtxCreate(mngr.get()));
  // Only the algorithms OIO IDWS uses.
  for (xmlSecTransformId id : {xmlSecTransformAes256CbcId, xmlSecTransformRsaOaepId})
    xmlSecPtrListAdd(&ctx->transformCtx.enabledTransforms, const_cast<void*>(static_cast<const void*>(id)));
  // A wrong key or changed ciphertext makes libxml2 parse garbage: keep its complaints off stderr.
  xmlGenericErrorFunc before = xmlGenericError;
  void* beforeCtx = xmlGenericErrorContext;
  xmlSetGenericErrorFunc(nullptr, silent);
  const int ret = xmlSecEncCtxDecrypt(ctx.get(), data);
  xmlSetGenericErrorFunc(beforeCtx, before);
  if (ret < 0 || !ctx->resultReplaced) {
    error = "the assertion cannot be decrypted with this key (or was changed): " + detail::takeXmlsecError();
    return nullptr;
  }
  xmlNode* assertion = firstChild(encrypted, ns::kSaml, "Assertion");
  if (!assertion) {
    error = "the decrypted content is not a saml:Assertion";
    return nullptr;
  }
  xmlUnlinkNode(assertion);
  xmlReplaceNode(encrypted, assertion);
  xmlFreeNode(encrypted);
  xmlReconciliateNs(doc, assertion);
  if (!registerIds(doc, error)) return nullptr;
  return assertion;
}

}  // namespace reghub::security
