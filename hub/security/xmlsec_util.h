#pragma once
// Internal to hub/security (xml_signature.cpp, xml_encryption.cpp): the
// xmlsec pieces both need. Not for other folders.
#include <openssl/evp.h>
#include <xmlsec/keys.h>

#include <string>

namespace reghub::security::detail {

// An xmlsec key holding (a new reference to) `pkey`; null on failure. The caller owns it.
xmlSecKeyPtr adoptKey(EVP_PKEY* pkey);
// The last error xmlsec reported on this thread (then cleared).
std::string takeXmlsecError();

}  // namespace reghub::security::detail
