#pragma once
// The API's named clients (hub/api/api_client.h) from the configuration:
//   http.clients = intake1, analyst1
//   http.client.intake1.tokenFile = /etc/reghub/tokens/intake1   (mode 0600)
//   http.client.intake1.roles = intake
//   http.client.intake1.kommuner = 0101
//   http.client.analyst1.certificateFingerprint = AB:CD:…
//   http.client.analyst1.roles = analyst
// A token comes from a file no one but its owner may read (mode 0600 or
// stricter) or from the environment variable tokenEnv names — never from the
// properties file itself; it is never logged or echoed in an error.
//
// Reads the token files (I/O). Throws ConfigError (exit 78) naming the key:
// a client not listed, a listed one without a token or certificate, a bad
// role or kommune code, a token file readable by others, a token shared by
// two clients, and any use of the removed http.tokens.
#include "hub/api/api_client.h"
#include "hub/config/config.h"

namespace reghub::app {

api::ApiClients readApiClients(const config::Config& config);
// Every "http.client.<client>.…" key names a client listed in http.clients
// (no files read: what `validate --config` checks).
void checkClientNames(const config::Config& config);

}  // namespace reghub::app
