// Shared pieces of the catrain addon: the tensor handle table and the error guard.
#pragma once

#include <ATen/ATen.h>
#include <napi.h>
#include <torch/version.h>

#include <cstdint>
#include <string>
#include <vector>

namespace catrain {

// Tensors live in a slot table and cross into JS as a number: slot + generation * kSlotSpan.
// A number is cheaper to pass than a wrapped object, and the generation makes a stale
// handle (used after dispose) detectable instead of silently aliasing a newer tensor.
class TensorTable {
 public:
  static constexpr double kSlotSpan = 4194304.0;  // 2^22 live slots

  double insert(at::Tensor tensor);
  const at::Tensor& get(double handle) const;  // throws on a stale or unknown handle
  bool release(double handle);                 // false when already released
  bool alive(double handle) const;
  int64_t liveCount() const { return live_count_; }
  int64_t liveBytes() const { return live_bytes_; }
  // The increase of the high-water mark of live bytes since the last report, or 0; told to V8 as
  // external memory.
  int64_t takeExternalDelta();

 private:
  struct Entry {
    at::Tensor tensor;
    uint32_t generation = 0;
    int64_t bytes = 0;
    bool used = false;
  };
  bool decode(double handle, uint32_t* slot) const;

  std::vector<Entry> entries_;
  std::vector<uint32_t> free_slots_;
  int64_t live_count_ = 0;
  int64_t live_bytes_ = 0;
  int64_t reported_bytes_ = 0;
};

TensorTable& table();

// Reports growth of native tensor memory to V8, so the garbage collector sees native pressure
// without a call per tensor.
void reportExternalMemory(Napi::Env env);

// Runs an entry body and turns any C++ exception into a JS Error carrying libtorch's message.
template <typename Body>
Napi::Value guarded(const Napi::CallbackInfo& info, Body body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(info.Env(), e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

inline Napi::Value tensorValue(Napi::Env env, at::Tensor tensor) {
  return Napi::Number::New(env, table().insert(std::move(tensor)));
}

// napi_get_value_double fails on a non-number, so one N-API call both checks and reads: a tiny op
// makes several of these, and each crossing costs about as much as the check itself.
inline bool readDouble(napi_env env, napi_value value, double* out) {
  return napi_get_value_double(env, value, out) == napi_ok;
}

inline double numberArg(const Napi::CallbackInfo& info, size_t index) {
  double value;
  if (index >= info.Length() || !readDouble(info.Env(), info[index], &value)) {
    throw Napi::TypeError::New(info.Env(), "expected a number at argument " + std::to_string(index));
  }
  return value;
}

inline const at::Tensor& tensorArg(const Napi::CallbackInfo& info, size_t index) {
  double handle;
  if (index >= info.Length() || !readDouble(info.Env(), info[index], &handle)) {
    throw Napi::TypeError::New(info.Env(), "expected a tensor handle at argument " + std::to_string(index));
  }
  return table().get(handle);
}

inline std::string stringArg(const Napi::CallbackInfo& info, size_t index) {
  if (index >= info.Length() || !info[index].IsString()) {
    throw Napi::TypeError::New(info.Env(), "expected a string at argument " + std::to_string(index));
  }
  return info[index].As<Napi::String>().Utf8Value();
}

// Each file registers its entries into the module's exports.
void registerTensorTable(Napi::Env env, Napi::Object exports);
void registerDispatch(Napi::Env env, Napi::Object exports);
void registerTensorData(Napi::Env env, Napi::Object exports);
void registerAutograd(Napi::Env env, Napi::Object exports);
void registerRuntime(Napi::Env env, Napi::Object exports);

}  // namespace catrain
