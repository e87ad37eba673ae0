#include "hub/security/verified_tokens.h"

#include <libxml/xmlsave.h>
#include <openssl/evp.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace reghub::security {

namespace {

// prefix=URI of every namespace in scope at `parent`, sorted (the order
// xmlGetNsList walks in is not part of what the assertion means).
std::string inheritedNamespaces(xmlDoc* doc, const xmlNode* parent) {
  std::vector<std::pair<std::string, std::string>> decls;
  if (parent && parent->type == XML_ELEMENT_NODE)
    if (xmlNsPtr* list = xmlGetNsList(doc, parent)) {
      for (xmlNsPtr* n = list; *n; ++n)
        decls.emplace_back((*n)->prefix ? reinterpret_cast<const char*>((*n)->prefix) : "",
                           (*n)->href ? reinterpret_cast<const char*>((*n)->href) : "");
      xmlFree(list);
    }
  std::sort(decls.begin(), decls.end());
  std::string out;
  for (const auto& [prefix, href] : decls) out += prefix + '=' + href + '\n';
  return out;
}

std::string subtreeBytes(xmlDoc* doc, const xmlNode* n) {
  xmlBufferPtr buf = xmlBufferCreate();
  xmlNodeDump(buf, doc, const_cast<xmlNode*>(n), 0, 0);
  std::string out(reinterpret_cast<const char*>(xmlBufferContent(buf)), static_cast<size_t>(xmlBufferLength(buf)));
  xmlBufferFree(buf);
  return out;
}

std::string certificateDer(X509* cert) {
  unsigned char* der = nullptr;
  const int n = cert ? i2d_X509(cert, &der) : -1;
  if (n <= 0) return {};
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

std::string sha256(const std::string& a, const std::string& b, const std::string& c) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  for (const std::string* part : {&a, &b, &c}) {
    const std::string size = std::to_string(part->size()) + ':';  // no two splits give one input
    EVP_DigestUpdate(ctx, size.data(), size.size());
    EVP_DigestUpdate(ctx, part->data(), part->size());
  }
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  return std::string(reinterpret_cast<const char*>(md), len);
}

}  // namespace

std::string VerifiedTokens::keyOf(xmlDoc* doc, const xmlNode* assertion, X509* sts) {
  return sha256(certificateDer(sts), inheritedNamespaces(doc, assertion->parent), subtreeBytes(doc, assertion));
}

bool VerifiedTokens::verified(const std::string& key, std::chrono::system_clock::time_point now) {
  std::lock_guard lock(mu_);
  const auto it = until_.find(key);
  if (it == until_.end()) return false;
  if (it->second <= now) {
    until_.erase(it);
    return false;
  }
  ++hits_;
  return true;
}

void VerifiedTokens::remember(const std::string& key, std::chrono::system_clock::time_point until) {
  std::lock_guard lock(mu_);
  if (until_.size() >= capacity_) until_.clear();  // more tokens than expected at once: verified again
  until_[key] = until;
}

}  // namespace reghub::security
