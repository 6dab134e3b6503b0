// The table of stores and process groups, their dispose entry, and the argument readers and waits
// that every distributed entry shares.
#include "distributed.h"

#include <cmath>
#include <thread>

namespace catrain {

void throwDistError(Napi::Env env, const DistError& error) {
  Napi::Error js = Napi::Error::New(env, error.what());
  js.Set("code", Napi::String::New(env, error.code()));
  throw js;
}

std::chrono::milliseconds timeoutArg(const Napi::CallbackInfo& info, size_t index) {
  const double ms = numberArg(info, index);
  // Below 2^31 ms (24 days) so that no clock arithmetic in libtorch or gloo overflows.
  if (!(ms >= 1 && ms < 2147483648.0) || std::floor(ms) != ms) {
    throw std::invalid_argument("timeout must be a whole number of milliseconds in [1, 2^31), got " + std::to_string(ms));
  }
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

std::vector<at::Tensor> tensorListArg(const Napi::CallbackInfo& info, size_t index) {
  if (index >= info.Length() || !info[index].IsArray()) {
    throw Napi::TypeError::New(info.Env(), "expected an array of tensor handles at argument " + std::to_string(index));
  }
  const Napi::Array array = info[index].As<Napi::Array>();
  std::vector<at::Tensor> tensors;
  tensors.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); ++i) {
    double handle;
    if (!readDouble(info.Env(), array.Get(i), &handle)) {
      throw Napi::TypeError::New(info.Env(), "expected a tensor handle at index " + std::to_string(i) + " of argument " + std::to_string(index));
    }
    tensors.push_back(table().get(handle));
  }
  return tensors;
}

#ifdef CATRAIN_WITH_GLOO

void GroupEntry::markBroken(const std::string& why) {
  std::lock_guard<std::mutex> lock(reasonMutex);
  if (!broken.exchange(true)) brokenReason = why;
}

std::string GroupEntry::reason() {
  std::lock_guard<std::mutex> lock(reasonMutex);
  return brokenReason;
}

std::string GroupEntry::where(const std::string& op) const {
  return op + " on rank " + std::to_string(rank) + " of " + std::to_string(size);
}

DistTable& distTable() {
  // Never destroyed: at process exit a group whose worker threads are blocked on a dead peer would
  // otherwise hold exit up until gloo's own timeout. The OS closes the sockets.
  static DistTable* instance = new DistTable();
  return *instance;
}

double DistTable::addStore(std::shared_ptr<StoreEntry> entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  const int64_t id = next_++;
  entries_[id].store = std::move(entry);
  return static_cast<double>(id);
}

double DistTable::addGroup(std::shared_ptr<GroupEntry> entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  const int64_t id = next_++;
  entries_[id].group = std::move(entry);
  return static_cast<double>(id);
}

namespace {
bool validId(double id) { return id >= 1 && id < 9007199254740992.0 && std::floor(id) == id; }
}  // namespace

std::shared_ptr<StoreEntry> DistTable::store(double id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = validId(id) ? entries_.find(static_cast<int64_t>(id)) : entries_.end();
  if (found == entries_.end() || !found->second.store) {
    throw DistError("disposed", "store handle " + std::to_string(static_cast<int64_t>(id)) +
                                    " is not a live TcpStore (disposed, or never created)");
  }
  return found->second.store;
}

std::shared_ptr<GroupEntry> DistTable::group(double id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = validId(id) ? entries_.find(static_cast<int64_t>(id)) : entries_.end();
  if (found == entries_.end() || !found->second.group) {
    throw DistError("disposed", "process group handle " + std::to_string(static_cast<int64_t>(id)) +
                                    " is not a live ProcessGroup (disposed, or never created)");
  }
  return found->second.group;
}

DistTable::Entry DistTable::release(double id) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = validId(id) ? entries_.find(static_cast<int64_t>(id)) : entries_.end();
  if (found == entries_.end()) return Entry{};
  Entry owner = std::move(found->second);
  entries_.erase(found);
  return owner;
}

void checkUsable(GroupEntry& group, const std::string& op) {
  if (group.broken.load()) {
    throw DistError("broken", group.where(op) + " refused: this process group is unusable since an earlier collective failed (" +
                                  group.reason() + "). Dispose it and create a new one on every rank.");
  }
}

void checkCollectiveTensor(const GroupEntry& group, const std::string& op, const at::Tensor& tensor, size_t index) {
  const std::string which = group.where(op) + ": tensor " + std::to_string(index);
  if (!tensor.defined()) throw DistError("invalid", which + " is undefined");
  if (tensor.layout() != at::kStrided) throw DistError("invalid", which + " is not a dense tensor");
  const bool nccl = group.backendName == "nccl";
  if (nccl && !tensor.is_cuda()) {
    throw DistError("invalid", which + " is on " + tensor.device().str() + ", but an NCCL group reduces CUDA tensors only: move it with .cuda()");
  }
  if (!nccl && !tensor.is_cpu() && !tensor.is_cuda()) {
    throw DistError("invalid", which + " is on " + tensor.device().str() + ", which Gloo cannot reduce");
  }
  switch (tensor.scalar_type()) {
    case at::kFloat:
    case at::kDouble:
    case at::kHalf:
    case at::kInt:
    case at::kLong:
    case at::kByte:
    case at::kChar:
      return;
    default:
      throw DistError("invalid", which + " has dtype " + std::string(c10::toString(tensor.scalar_type())) +
                                  ", which the collectives do not carry: convert it to float32, float64, int32, int64 or uint8");
  }
}

void waitAll(GroupEntry& group, const std::string& op, std::vector<c10::intrusive_ptr<c10d::Work>>& works,
             std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (auto& work : works) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    bool finished = false;
    std::string failure;
    try {
      // A zero wait means "forever" to c10d, so a spent deadline still waits one millisecond.
      finished = work->wait(std::max(left, std::chrono::milliseconds(1)));
    } catch (const c10::Error& error) {
      failure = error.what_without_backtrace();
    } catch (const std::exception& error) {
      failure = error.what();
    }
    // c10d words an expired wait as a generic error; the work itself never completed then.
    if (!failure.empty() && !work->isCompleted()) {
      const std::string message = group.where(op) + " timed out after " + std::to_string(timeout.count()) +
                                  " ms: a peer did not join this collective (it may have stopped, died, or be running a different step)";
      group.markBroken("timed out after " + std::to_string(timeout.count()) + " ms");
      throw DistError("timeout", message);
    }
    if (!failure.empty() || !finished) {
      if (failure.empty()) failure = "the work was aborted";
      group.markBroken(failure);
      throw DistError("failed", group.where(op) + " failed: " + failure);
    }
  }
}

void allReduceEach(GroupEntry& group, const std::string& op, const std::vector<at::Tensor>& tensors,
                   std::chrono::milliseconds timeout) {
  // Gloo reads and writes the raw buffer, so a strided view goes through a dense copy.
  std::vector<at::Tensor> dense;
  dense.reserve(tensors.size());
  for (const at::Tensor& tensor : tensors) dense.push_back(tensor.is_contiguous() ? tensor : tensor.contiguous());
  std::vector<c10::intrusive_ptr<c10d::Work>> works;
  works.reserve(dense.size());
  try {
    for (at::Tensor& tensor : dense) {
      // One tensor per call: c10d treats a longer vector as replicas of one tensor on several devices.
      std::vector<at::Tensor> one{tensor};
      works.push_back(group.backend->allreduce(one));
    }
  } catch (...) {
    // Some collectives were enqueued and others not: the ranks no longer agree on the sequence.
    group.markBroken("a collective could not be enqueued");
    throw;
  }
  waitAll(group, op, works, timeout);
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (!dense[i].is_same(tensors[i])) {
      at::Tensor target = tensors[i];
      target.copy_(dense[i]);
    }
  }
}

#endif

namespace {

Napi::Value DistDispose(const Napi::CallbackInfo& info) {
  return distGuarded(info, [&]() -> Napi::Value {
    const double id = numberArg(info, 0);
#ifdef CATRAIN_WITH_GLOO
    DistTable::Entry owner = distTable().release(id);
    const bool released = owner.store || owner.group;
    if (owner.group && owner.group->broken.load()) {
      // The destructor joins gloo's worker threads, and after a failed collective one of them may
      // stay blocked until gloo's own timeout: let a background thread wait for that instead of JS.
      std::thread([group = std::move(owner.group)]() mutable { group.reset(); }).detach();
    }
    return Napi::Boolean::New(info.Env(), released);
#else
    return Napi::Boolean::New(info.Env(), false);
#endif
  });
}

#ifdef CATRAIN_WITH_GLOO
// groupBroken(id) -> why the group refuses collectives, or null while it is usable.
Napi::Value DistGroupBroken(const Napi::CallbackInfo& info) {
  return distGuarded(info, [&]() -> Napi::Value {
    auto group = distTable().group(numberArg(info, 0));
    if (!group->broken.load()) return info.Env().Null();
    return Napi::String::New(info.Env(), group->reason());
  });
}
#endif

// The backends this build can create: empty when it was compiled without Gloo's headers.
Napi::Value DistBackends(const Napi::CallbackInfo& info) {
  Napi::Array result = Napi::Array::New(info.Env());
#ifdef CATRAIN_WITH_GLOO
  result.Set(0u, Napi::String::New(info.Env(), "gloo"));
#ifdef CATRAIN_WITH_NCCL
  result.Set(1u, Napi::String::New(info.Env(), "nccl"));
#endif
#endif
  return result;
}

}  // namespace

void registerDistTable(Napi::Env env, Napi::Object exports) {
  exports.Set("distDispose", Napi::Function::New(env, DistDispose, "distDispose"));
  exports.Set("distBackends", Napi::Function::New(env, DistBackends, "distBackends"));
#ifdef CATRAIN_WITH_GLOO
  exports.Set("distGroupBroken", Napi::Function::New(env, DistGroupBroken, "distGroupBroken"));
#endif
}

}  // namespace catrain
