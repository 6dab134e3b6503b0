// The handle table that owns every tensor visible to JS, and its entries (dispose, memory).
#include "common.h"

#include <cmath>

namespace catrain {

namespace {
constexpr int64_t kExternalReportThreshold = 8 << 20;
}

TensorTable& table() {
  static TensorTable instance;
  return instance;
}

double TensorTable::insert(at::Tensor tensor) {
  uint32_t slot;
  if (free_slots_.empty()) {
    if (entries_.size() >= static_cast<size_t>(kSlotSpan)) {
      throw std::runtime_error("too many live tensors (4194304): dispose tensors or use a scope");
    }
    slot = static_cast<uint32_t>(entries_.size());
    entries_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  Entry& entry = entries_[slot];
  entry.bytes = tensor.defined() ? static_cast<int64_t>(tensor.nbytes()) : 0;
  entry.tensor = std::move(tensor);
  entry.used = true;
  live_count_ += 1;
  live_bytes_ += entry.bytes;
  return static_cast<double>(slot) + static_cast<double>(entry.generation) * kSlotSpan;
}

bool TensorTable::decode(double handle, uint32_t* slot) const {
  if (!(handle >= 0) || std::floor(handle) != handle) return false;
  const double generation = std::floor(handle / kSlotSpan);
  const double index = handle - generation * kSlotSpan;
  if (index >= static_cast<double>(entries_.size())) return false;
  const Entry& entry = entries_[static_cast<size_t>(index)];
  if (!entry.used || static_cast<double>(entry.generation) != generation) return false;
  *slot = static_cast<uint32_t>(index);
  return true;
}

const at::Tensor& TensorTable::get(double handle) const {
  uint32_t slot;
  if (!decode(handle, &slot)) {
    throw std::runtime_error("tensor used after dispose (handle " + std::to_string(static_cast<int64_t>(handle)) +
                             " is no longer live): keep it out of the scope that freed it, or clone it");
  }
  return entries_[slot].tensor;
}

bool TensorTable::alive(double handle) const {
  uint32_t slot;
  return decode(handle, &slot);
}

bool TensorTable::release(double handle) {
  uint32_t slot;
  if (!decode(handle, &slot)) return false;
  Entry& entry = entries_[slot];
  entry.tensor = at::Tensor();
  entry.used = false;
  entry.generation += 1;
  live_count_ -= 1;
  live_bytes_ -= entry.bytes;
  entry.bytes = 0;
  free_slots_.push_back(slot);
  return true;
}

int64_t TensorTable::takeExternalDelta() {
  // V8 hears only of growth past the high-water mark, never of the churn below it: a training step
  // allocates and frees its activations every time, and reporting that churn made V8 run a full GC
  // every few steps, whose marking threads competed with libtorch's for the cores (measured: a
  // ResNet-20 step 20-30% slower). Steady growth, as from tensors dropped without dispose(), still
  // raises the mark and so brings the GC (and the FinalizationRegistry backstop) in.
  if (live_bytes_ < reported_bytes_ + reported_bytes_ / 4 + kExternalReportThreshold) return 0;
  const int64_t delta = live_bytes_ - reported_bytes_;
  reported_bytes_ = live_bytes_;
  return delta;
}

void reportExternalMemory(Napi::Env env) {
  const int64_t delta = table().takeExternalDelta();
  if (delta != 0) {
    int64_t adjusted;
    napi_adjust_external_memory(env, delta, &adjusted);
  }
}

namespace {

Napi::Value Dispose(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const bool released = table().release(numberArg(info, 0));
    reportExternalMemory(info.Env());
    return Napi::Boolean::New(info.Env(), released);
  });
}

Napi::Value IsAlive(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value { return Napi::Boolean::New(info.Env(), table().alive(numberArg(info, 0))); });
}

Napi::Value Memory(const Napi::CallbackInfo& info) {
  Napi::Array result = Napi::Array::New(info.Env(), 2);
  result.Set(0u, Napi::Number::New(info.Env(), static_cast<double>(table().liveCount())));
  result.Set(1u, Napi::Number::New(info.Env(), static_cast<double>(table().liveBytes())));
  return result;
}

}  // namespace

void registerTensorTable(Napi::Env env, Napi::Object exports) {
  exports.Set("dispose", Napi::Function::New(env, Dispose, "dispose"));
  exports.Set("isAlive", Napi::Function::New(env, IsAlive, "isAlive"));
  exports.Set("memory", Napi::Function::New(env, Memory, "memory"));
}

}  // namespace catrain
