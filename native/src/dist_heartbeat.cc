// A group member's heartbeat: a thread of its own bumps a store counter on a connection of its own,
// so that after a failed collective the survivors can tell which ranks still live. It has to be
// native: the JS thread is blocked inside the very collectives that are failing.
#include "distributed.h"

#ifdef CATRAIN_WITH_GLOO

#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <algorithm>

namespace catrain {

namespace {

// Every heartbeat alive, so that the addon's cleanup hook can stop their threads before the
// process's static destructors run under them.
std::mutex& registryMutex() {
  static std::mutex* mutex = new std::mutex();
  return *mutex;
}

std::vector<std::weak_ptr<Heartbeat>>& registry() {
  static auto* beats = new std::vector<std::weak_ptr<Heartbeat>>();
  return *beats;
}

}  // namespace

std::shared_ptr<Heartbeat> Heartbeat::start(const std::string& host, int port, const std::string& key, std::chrono::milliseconds interval) {
  c10d::TCPStoreOptions options;
  options.port = static_cast<std::uint16_t>(port);
  options.isServer = false;
  options.waitWorkers = false;
  // A beat that cannot be delivered within two intervals ends the thread rather than holding it.
  options.timeout = std::max(interval * 2, std::chrono::milliseconds(1000));
  auto beat = std::shared_ptr<Heartbeat>(new Heartbeat(c10::make_intrusive<c10d::TCPStore>(host, options), key, interval));
  beat->thread_ = std::thread([raw = beat.get()]() { raw->run(); });
  std::lock_guard<std::mutex> lock(registryMutex());
  auto& beats = registry();
  beats.erase(std::remove_if(beats.begin(), beats.end(), [](const std::weak_ptr<Heartbeat>& b) { return b.expired(); }), beats.end());
  beats.push_back(beat);
  return beat;
}

Heartbeat::Heartbeat(c10::intrusive_ptr<c10d::Store> store, std::string key, std::chrono::milliseconds interval)
    : store_(std::move(store)), key_(std::move(key)), interval_(interval) {}

Heartbeat::~Heartbeat() { stop(); }

void Heartbeat::run() {
  for (;;) {
    try {
      store_->add(key_, 1);
    } catch (...) {
      return;  // the store's host is gone: there is nobody left to tell
    }
    std::unique_lock<std::mutex> lock(mutex_);
    if (wake_.wait_for(lock, interval_, [&] { return stopping_; })) return;
  }
}

void Heartbeat::stop() {
  std::lock_guard<std::mutex> once(stopMutex_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void stopAllHeartbeats() {
  std::vector<std::shared_ptr<Heartbeat>> beats;
  {
    std::lock_guard<std::mutex> lock(registryMutex());
    for (const auto& weak : registry()) {
      if (auto beat = weak.lock()) beats.push_back(std::move(beat));
    }
  }
  for (const auto& beat : beats) beat->stop();
}

}  // namespace catrain

#endif
