// Process-wide settings: threads, random seed and generator state, CUDA presence and sync.
#include <ATen/Parallel.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <malloc.h>

#include <cstdint>

#include "common.h"

namespace catrain {
namespace {

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const int threads = info[0].As<Napi::Number>().Int32Value();
    if (threads < 1) throw std::invalid_argument("setNumThreads: expected a positive thread count, got " + std::to_string(threads));
    at::set_num_threads(threads);
    return info.Env().Undefined();
  });
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::get_num_threads());
}

Napi::Value ManualSeed(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    at::manual_seed(static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value()));
    return info.Env().Undefined();
  });
}

// The CPU generator's state as a uint8 tensor, for exact resume of a run.
Napi::Value GetRngState(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    return tensorValue(info.Env(), generator.get_state());
  });
}

Napi::Value SetRngState(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const at::Tensor& state = tensorArg(info, 0);
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(state);
    return info.Env().Undefined();
  });
}

Napi::Value CudaAvailable(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), at::hasCUDA());
}

Napi::Value CudaDeviceCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::hasCUDA() ? at::detail::getCUDAHooks().getNumGPUs() : 0);
}

Napi::Value Synchronize(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    if (at::hasCUDA()) at::detail::getCUDAHooks().deviceSynchronize(-1);
    return info.Env().Undefined();
  });
}

Napi::Value Version(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), TORCH_VERSION);
}

// tuneMalloc(mmapThreshold, trimThreshold) -> whether glibc accepted both settings.
Napi::Value TuneMalloc(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const double mmapThreshold = numberArg(info, 0);
    const double trimThreshold = numberArg(info, 1);
    if (!(mmapThreshold >= 0 && mmapThreshold <= INT32_MAX && trimThreshold >= 0 && trimThreshold <= INT32_MAX)) {
      throw std::invalid_argument("tuneMalloc: thresholds must be byte counts in [0, 2^31)");
    }
    const bool ok = mallopt(M_MMAP_THRESHOLD, static_cast<int>(mmapThreshold)) == 1 && mallopt(M_TRIM_THRESHOLD, static_cast<int>(trimThreshold)) == 1;
    return Napi::Boolean::New(info.Env(), ok);
  });
}

Napi::Value ParallelInfo(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), at::get_parallel_info());
}

}  // namespace

void registerRuntime(Napi::Env env, Napi::Object exports) {
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads, "getNumThreads"));
  exports.Set("manualSeed", Napi::Function::New(env, ManualSeed, "manualSeed"));
  exports.Set("getRngState", Napi::Function::New(env, GetRngState, "getRngState"));
  exports.Set("setRngState", Napi::Function::New(env, SetRngState, "setRngState"));
  exports.Set("cudaAvailable", Napi::Function::New(env, CudaAvailable, "cudaAvailable"));
  exports.Set("cudaDeviceCount", Napi::Function::New(env, CudaDeviceCount, "cudaDeviceCount"));
  exports.Set("synchronize", Napi::Function::New(env, Synchronize, "synchronize"));
  exports.Set("version", Napi::Function::New(env, Version, "version"));
  exports.Set("tuneMalloc", Napi::Function::New(env, TuneMalloc, "tuneMalloc"));
  exports.Set("parallelInfo", Napi::Function::New(env, ParallelInfo, "parallelInfo"));
}

}  // namespace catrain
