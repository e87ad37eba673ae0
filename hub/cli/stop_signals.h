#pragma once
// SIGINT/SIGTERM for the commands that serve until stopped (run, demo,
// sandbox): blocked before any thread starts, so every thread inherits the
// mask and only the waiting main thread receives them.
#include <csignal>

namespace reghub::cli {

// Call before the first thread starts.
sigset_t blockStopSignals();
// Blocks until one of them arrives; returns it (SIGINT or SIGTERM).
int waitForStopSignal(const sigset_t& stopSignals);

}  // namespace reghub::cli
