#include "hub/cli/stop_signals.h"

#include <pthread.h>

namespace reghub::cli {

sigset_t blockStopSignals() {
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  return stopSignals;
}

int waitForStopSignal(const sigset_t& stopSignals) {
  int sig = 0;
  sigwait(&stopSignals, &sig);
  return sig;
}

}  // namespace reghub::cli
