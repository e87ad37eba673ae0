#pragma once
// hub/security's names for the OpenSSL owners, which live in hub/net (the
// lower layer, whose dev TLS certificates are made by the same code).
#include "hub/net/openssl_ptr.h"

namespace reghub::security {

using net::BioPtr;
using net::OpenSslFree;
using net::PkeyPtr;
using net::share;
using net::X509Ptr;
using net::X509StorePtr;

}  // namespace reghub::security
