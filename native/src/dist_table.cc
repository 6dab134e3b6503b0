// The table of stores and process groups, their dispose entry, and the argument readers that every
// distributed entry shares.
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
#ifdef CATRAIN_WITH_GLOO
  napi_add_env_cleanup_hook(env, [](void*) { stopAllHeartbeats(); }, nullptr);
#endif
  exports.Set("distDispose", Napi::Function::New(env, DistDispose, "distDispose"));
  exports.Set("distBackends", Napi::Function::New(env, DistBackends, "distBackends"));
#ifdef CATRAIN_WITH_GLOO
  exports.Set("distGroupBroken", Napi::Function::New(env, DistGroupBroken, "distGroupBroken"));
#endif
}

}  // namespace catrain
