// Shared pieces of the distributed entries: the table that owns stores and process groups, the
// collective-wait helper and the error type that carries a failure code to JS.
#pragma once

#include "common.h"

#ifdef CATRAIN_WITH_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>
#include <torch/csrc/distributed/c10d/Work.hpp>
#if TORCH_VERSION_MAJOR >= 2
#include <torch/csrc/distributed/c10d/Backend.hpp>
#endif
#endif

#include <atomic>
#include <condition_variable>
#include <thread>
#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace catrain {

// A failure the TS layer should not have to guess from libtorch's wording: `code` becomes the JS
// error's `code` property ('timeout', 'failed', 'mismatch', 'broken', 'disposed', 'invalid', 'unsupported').
class DistError : public std::runtime_error {
 public:
  DistError(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

[[noreturn]] void throwDistError(Napi::Env env, const DistError& error);

// Like `guarded`, but keeps a DistError's code on the JS error.
template <typename Body>
Napi::Value distGuarded(const Napi::CallbackInfo& info, Body body) {
  return guarded(info, [&]() -> Napi::Value {
    try {
      return body();
    } catch (const DistError& error) {
      throwDistError(info.Env(), error);
    }
  });
}

#ifdef CATRAIN_WITH_GLOO

// 1.13's collectives live on ProcessGroup; from 2.0 on, the Gloo and NCCL classes derive from Backend.
#if TORCH_VERSION_MAJOR >= 2
using CollectiveBackend = c10d::Backend;
#else
using CollectiveBackend = c10d::ProcessGroup;
#endif

struct StoreEntry {
  c10::intrusive_ptr<c10d::Store> store;
  std::string host;
  int port = 0;
};

// A thread that bumps `key` on the store every `interval`, over a connection of its own, until
// stopped or until the store's host is gone (dist_heartbeat.cc).
class Heartbeat {
 public:
  static std::shared_ptr<Heartbeat> start(const std::string& host, int port, const std::string& key, std::chrono::milliseconds interval);
  ~Heartbeat();
  void stop();  // idempotent; joins the thread

 private:
  Heartbeat(c10::intrusive_ptr<c10d::Store> store, std::string key, std::chrono::milliseconds interval);
  void run();
  c10::intrusive_ptr<c10d::Store> store_;
  std::string key_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::mutex stopMutex_;
  std::thread thread_;
};

// Stops every heartbeat thread: run when the JS environment is torn down, before static destructors.
void stopAllHeartbeats();

struct GroupEntry {
  c10::intrusive_ptr<CollectiveBackend> backend;
  std::shared_ptr<Heartbeat> heartbeat;  // null for one rank, or when asked for none
  std::string backendName;
  int rank = 0;
  int size = 1;
  std::chrono::milliseconds timeout{60000};
  // Set once a collective failed or timed out: the ranks are then out of step (a later collective
  // would pair with a different call on the peers), so every further call is refused.
  std::atomic<bool> broken{false};
  std::mutex reasonMutex;
  std::string brokenReason;

  void markBroken(const std::string& reason);
  std::string reason();
  // "<op> on rank R of N"
  std::string where(const std::string& op) const;
};

// Owns every store and group JS can see. Ids count up from 1 and are never reused, so a handle used
// after dispose is an error rather than an alias. Locked because a differentiable all-reduce looks
// its group up from the autograd engine, which may run on another thread.
class DistTable {
 public:
  double addStore(std::shared_ptr<StoreEntry> entry);
  double addGroup(std::shared_ptr<GroupEntry> entry);
  std::shared_ptr<StoreEntry> store(double id) const;  // throws for an unknown or disposed id
  std::shared_ptr<GroupEntry> group(double id) const;
  struct Entry {
    std::shared_ptr<StoreEntry> store;
    std::shared_ptr<GroupEntry> group;
  };
  // Removes the entry and hands its owner to the caller, who drops it outside the lock: a group's
  // destructor joins its worker threads.
  Entry release(double id);

 private:
  mutable std::mutex mutex_;
  std::unordered_map<int64_t, Entry> entries_;
  int64_t next_ = 1;
};

DistTable& distTable();

// One call's time: the agreement and the collective itself share a single deadline.
struct CallBudget {
  explicit CallBudget(std::chrono::milliseconds timeout) : total(timeout), deadline(std::chrono::steady_clock::now() + timeout) {}
  std::chrono::milliseconds left() const;  // at least 1 ms
  std::chrono::milliseconds total;
  std::chrono::steady_clock::time_point deadline;
};

// Refuses calls on a broken group before anything is enqueued.
void checkUsable(GroupEntry& group, const std::string& op);

// Checks that a tensor can go through the group's backend (device and dtype), naming the argument.
void checkCollectiveTensor(const GroupEntry& group, const std::string& op, const at::Tensor& tensor, size_t index);

// The call as the peers must see it: the operation, `extra` (a root, a bucket size) and each
// tensor's dtype and element count.
std::string describeCall(const std::string& op, const std::vector<at::Tensor>& tensors, const std::string& extra);

// Checks with the other ranks, in one small fixed-size collective, that all of them make this very
// call; throws a DistError naming the ranks that do not (and marks the group broken).
void agreeOnCall(GroupEntry& group, const std::string& op, const std::string& description, const CallBudget& budget);

// Waits for every work in order within the budget. On failure the group is marked broken and a
// DistError is thrown whose message names the operation, the rank and what happened.
void waitAll(GroupEntry& group, const std::string& op, std::vector<c10::intrusive_ptr<c10d::Work>>& works, const CallBudget& budget);

// All-reduces (sum) each tensor in place, one collective per tensor, all in flight together, after
// the ranks agreed on the call.
void allReduceEach(GroupEntry& group, const std::string& op, const std::vector<at::Tensor>& tensors, const CallBudget& budget);

#endif

std::chrono::milliseconds timeoutArg(const Napi::CallbackInfo& info, size_t index);
std::vector<at::Tensor> tensorListArg(const Napi::CallbackInfo& info, size_t index);

void registerDistTable(Napi::Env env, Napi::Object exports);
void registerDistStore(Napi::Env env, Napi::Object exports);
void registerDistGroup(Napi::Env env, Napi::Object exports);
void registerDistCollectives(Napi::Env env, Napi::Object exports);
void registerDistCoalesced(Napi::Env env, Napi::Object exports);
void registerDistAutograd(Napi::Env env, Napi::Object exports);

}  // namespace catrain
