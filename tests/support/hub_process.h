#pragma once
// The `reghub` binary as a child process for the crash tests: started
// with the keys of testKeyring() in its environment and its output sent to
// /dev/null, so a test can SIGKILL it mid-work and open what it stored.
#include <sys/types.h>

#include <string>
#include <vector>

namespace reghub::testing {

// posix_spawn of args[0] with args; -1 when it cannot start.
pid_t spawnHub(const std::vector<std::string>& args);
// The exit code, or 128 + the signal that ended it.
int waitExit(pid_t pid);
// `reghub ingest --store URL --as-of 2026-11-01 FILE` to its end; its exit code.
int ingestWith(const std::string& binary, const std::string& storeUrl, const std::string& file);

}  // namespace reghub::testing
