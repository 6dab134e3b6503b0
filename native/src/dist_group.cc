// Process group creation (Gloo, and NCCL when the build found it) over a store.
#include "distributed.h"

#include <cmath>

#ifdef CATRAIN_WITH_GLOO
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef CATRAIN_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

namespace catrain {
namespace {

#ifdef CATRAIN_WITH_GLOO

int intArg(const Napi::CallbackInfo& info, size_t index, const char* what, double low, double high) {
  const double value = numberArg(info, index);
  if (!(value >= low && value <= high) || std::floor(value) != value) {
    throw std::invalid_argument(std::string(what) + " must be an integer in [" + std::to_string(static_cast<int64_t>(low)) + ", " +
                                std::to_string(static_cast<int64_t>(high)) + "], got " + std::to_string(value));
  }
  return static_cast<int>(value);
}

c10::intrusive_ptr<CollectiveBackend> createGloo(const c10::intrusive_ptr<c10d::Store>& store, int rank, int size,
                                                 const std::string& address, const std::string& interface,
                                                 std::chrono::milliseconds timeout, int threads) {
  auto options = c10d::ProcessGroupGloo::Options::create(timeout);
  // An explicit address or interface: the default device binds to whatever the host name resolves
  // to, which on Debian is often 127.0.1.1 and unreachable from other machines.
  options->devices.push_back(interface.empty() ? c10d::ProcessGroupGloo::createDeviceForHostname(address)
                                               : c10d::ProcessGroupGloo::createDeviceForInterface(interface));
  options->threads = threads;
  return c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, size, options);
}

// groupCreate(storeId, rank, worldSize, backend, address, interface, timeoutMs, threads, prefix,
// heartbeatMs) -> id. Blocks until every rank has joined (the rendezvous), or the timeout. With
// heartbeatMs > 0 the rank then bumps catrain/heartbeat/<prefix>/<rank> on the store that often.
Napi::Value GroupCreate(const Napi::CallbackInfo& info) {
  return distGuarded(info, [&]() -> Napi::Value {
    auto store = distTable().store(numberArg(info, 0));
    const int size = intArg(info, 2, "world size", 1, 1048576);
    const int rank = intArg(info, 1, "rank", 0, size - 1);
    const std::string backendName = stringArg(info, 3);
    const std::string address = stringArg(info, 4);
    const std::string interface = stringArg(info, 5);
    const std::chrono::milliseconds timeout = timeoutArg(info, 6);
    const int threads = intArg(info, 7, "gloo thread count", 1, 64);
    const std::string prefix = stringArg(info, 8);
    const int heartbeatMs = intArg(info, 9, "heartbeat interval (ms, 0 for none)", 0, 3600000);
    if (prefix.empty()) throw std::invalid_argument("process group prefix is empty: every group on a store needs its own key prefix");
    // Each group's rendezvous keys live under its own prefix, so several groups can share a store.
    auto scoped = c10::make_intrusive<c10d::PrefixStore>(prefix, store->store);
    auto entry = std::make_shared<GroupEntry>();
    entry->backendName = backendName;
    entry->rank = rank;
    entry->size = size;
    entry->timeout = timeout;
    if (backendName == "gloo") {
      if (address.empty() && interface.empty()) throw std::invalid_argument("a Gloo group needs an address or an interface to bind to");
      entry->backend = createGloo(scoped, rank, size, address, interface, timeout, threads);
    } else if (backendName == "nccl") {
#ifdef CATRAIN_WITH_NCCL
      auto options = c10d::ProcessGroupNCCL::Options::create();
      options->timeout = timeout;
      entry->backend = c10::make_intrusive<c10d::ProcessGroupNCCL>(scoped, rank, size, options);
#else
      throw DistError("unsupported", "this addon was built without NCCL (it needs a CUDA libtorch with NCCL and nccl.h at build time); use backend 'gloo'");
#endif
    } else {
      throw std::invalid_argument("unknown backend '" + backendName + "': expected 'gloo' or 'nccl'");
    }
    if (heartbeatMs > 0 && size > 1) {
      entry->heartbeat = Heartbeat::start(store->host, store->port, "catrain/heartbeat/" + prefix + "/" + std::to_string(rank),
                                          std::chrono::milliseconds(heartbeatMs));
    }
    return Napi::Number::New(info.Env(), distTable().addGroup(std::move(entry)));
  });
}

#endif

}  // namespace

void registerDistGroup(Napi::Env env, Napi::Object exports) {
#ifdef CATRAIN_WITH_GLOO
  exports.Set("distGroupCreate", Napi::Function::New(env, GroupCreate, "distGroupCreate"));
#endif
}

}  // namespace catrain
