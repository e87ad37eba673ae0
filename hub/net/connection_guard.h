#pragma once
// Keeps slow and hostile clients from taking the server's threads: every
// accepted connection gets a deadline for its TLS handshake and request
// head (headerTimeout), then for its body (bodyTimeout), and between
// kept-alive requests (idleTimeout); a watchdog shuts down the socket of
// a connection past its deadline, which ends the blocking read holding its
// thread. A client (by IP address) may hold maxPerClient connections; a
// further one evicts that client's oldest connection that is still
// waiting for a request head, or is refused when all of them are busy. So
// one client with idle sockets cannot starve /health or another client as
// long as the server has more threads than maxPerClient.
//
// Thread-safe: admit() runs on the acceptor thread, the phase calls on the
// worker threads, the watchdog on its own thread.
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace reghub::net {

struct ConnectionLimits {
  std::chrono::milliseconds headerTimeout{10'000};  // accept → request head read (TLS handshake included)
  std::chrono::milliseconds bodyTimeout{60'000};    // request head → body read
  std::chrono::milliseconds idleTimeout{10'000};    // answer sent → next request head (keep-alive)
  int maxPerClient = 16;
  int maxConnections = 1024;  // accepted and not yet closed, over all clients
};

struct ConnectionCounts {
  uint64_t evicted = 0;    // idle connections closed for a newer one of the same client
  uint64_t refused = 0;    // connections refused at accept (limits)
  uint64_t timedOut = 0;   // connections closed at a deadline
};

class ConnectionGuard {
 public:
  explicit ConnectionGuard(ConnectionLimits limits);
  ~ConnectionGuard();  // stops the watchdog
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

  // A connection was accepted: false refuses it (the caller closes it).
  bool admit(const Poco::Net::StreamSocket& socket);
  // Phases, from the connection's worker thread (by its socket).
  void headRead(const Poco::Net::StreamSocket& socket);  // → reading the body
  void bodyRead(const Poco::Net::StreamSocket& socket);  // → answering (no deadline)
  void answered(const Poco::Net::StreamSocket& socket);  // → waiting for the next request head
  void closed(const Poco::Net::StreamSocket& socket);    // the connection ended
  void clear();                                          // the server stopped: forget every connection

  ConnectionCounts counts() const;

 private:
  enum class Phase { kHead, kBody, kBusy };
  struct Entry {
    Poco::Net::StreamSocket socket;  // a reference: the descriptor stays valid while listed
    std::string client;
    Phase phase = Phase::kHead;
    std::chrono::steady_clock::time_point deadline;
    uint64_t seq = 0;
    bool shut = false;
  };
  using Key = const void*;  // the socket's implementation, shared by every copy of it

  void setPhase(const Poco::Net::StreamSocket& socket, Phase phase, std::chrono::milliseconds timeout);
  bool evictOldestIdle(const std::string& client);
  static void shut(Entry& e);
  void watch();

  const ConnectionLimits limits_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::map<Key, Entry> entries_;
  std::map<std::string, int> perClient_;  // connections not yet shut, by client
  uint64_t seq_ = 0;
  ConnectionCounts counts_;
  bool stopping_ = false;
  std::thread watchdog_;
};

}  // namespace reghub::net
