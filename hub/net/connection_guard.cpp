#include "hub/net/connection_guard.h"

#include <sys/socket.h>

namespace reghub::net {

namespace {

using Clock = std::chrono::steady_clock;

std::string clientOf(const Poco::Net::StreamSocket& s) {
  try {
    return s.peerAddress().host().toString();
  } catch (const Poco::Exception&) {
    return "?";  // already gone
  }
}

const void* keyOf(const Poco::Net::StreamSocket& s) { return s.impl(); }

}  // namespace

ConnectionGuard::ConnectionGuard(ConnectionLimits limits) : limits_(limits), watchdog_([this] { watch(); }) {}

ConnectionGuard::~ConnectionGuard() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  watchdog_.join();
}

bool ConnectionGuard::admit(const Poco::Net::StreamSocket& socket) {
  const std::string client = clientOf(socket);
  std::lock_guard<std::mutex> lock(mu_);
  if (static_cast<int>(entries_.size()) >= limits_.maxConnections) {
    ++counts_.refused;
    return false;
  }
  if (perClient_[client] >= limits_.maxPerClient && !evictOldestIdle(client)) {
    ++counts_.refused;
    return false;
  }
  Entry e{socket, client, Phase::kHead, Clock::now() + limits_.headerTimeout, ++seq_, false};
  entries_[keyOf(socket)] = std::move(e);
  ++perClient_[client];
  return true;
}

bool ConnectionGuard::evictOldestIdle(const std::string& client) {
  Entry* oldest = nullptr;
  for (auto& [key, e] : entries_)
    if (!e.shut && e.client == client && e.phase == Phase::kHead && (!oldest || e.seq < oldest->seq)) oldest = &e;
  if (!oldest) return false;
  shut(*oldest);
  --perClient_[client];
  ++counts_.evicted;
  return true;
}

// Ends the connection's blocking read at the TCP level. Not the TLS layer's
// shutdown: the worker thread may be inside SSL_read on the same session.
void ConnectionGuard::shut(Entry& e) {
  e.shut = true;
  const auto fd = e.socket.impl()->sockfd();
  if (fd != POCO_INVALID_SOCKET) ::shutdown(fd, SHUT_RDWR);
}

void ConnectionGuard::setPhase(const Poco::Net::StreamSocket& socket, Phase phase, std::chrono::milliseconds timeout) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = entries_.find(keyOf(socket));
  if (it == entries_.end()) return;
  it->second.phase = phase;
  it->second.deadline = Clock::now() + timeout;
}

void ConnectionGuard::headRead(const Poco::Net::StreamSocket& socket) {
  setPhase(socket, Phase::kBody, limits_.bodyTimeout);
}
void ConnectionGuard::bodyRead(const Poco::Net::StreamSocket& socket) {
  setPhase(socket, Phase::kBusy, std::chrono::milliseconds::zero());
}
void ConnectionGuard::answered(const Poco::Net::StreamSocket& socket) {
  setPhase(socket, Phase::kHead, limits_.idleTimeout);
}

void ConnectionGuard::closed(const Poco::Net::StreamSocket& socket) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = entries_.find(keyOf(socket));
  if (it == entries_.end()) return;
  if (!it->second.shut) --perClient_[it->second.client];
  entries_.erase(it);
}

void ConnectionGuard::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
  perClient_.clear();
}

ConnectionCounts ConnectionGuard::counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

void ConnectionGuard::watch() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(100));
    const auto now = Clock::now();
    for (auto it = entries_.begin(); it != entries_.end();) {
      Entry& e = it->second;
      // Only this list still holds the socket: its connection never ran (the
      // server stopped or dropped it). Forgetting it closes it.
      if (e.socket.impl()->referenceCount() == 1) {
        if (!e.shut) --perClient_[e.client];
        it = entries_.erase(it);
        continue;
      }
      if (!e.shut && e.phase != Phase::kBusy && now >= e.deadline) {
        shut(e);
        --perClient_[e.client];
        ++counts_.timedOut;
      }
      ++it;
    }
  }
}

}  // namespace reghub::net
