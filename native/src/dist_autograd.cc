// A differentiable all-reduce (sum): forward sums the input across the ranks, backward sums the
// incoming gradient the same way. It is a native autograd function because its backward runs inside
// libtorch's engine, where a JS callback could not be called; SyncBatchNorm is built on it in TS.
#include "distributed.h"

#ifdef CATRAIN_WITH_GLOO
#include <torch/csrc/autograd/custom_function.h>
#endif

namespace catrain {
namespace {

#ifdef CATRAIN_WITH_GLOO

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Sums a fresh dense copy, so neither the input nor the incoming gradient is modified.
at::Tensor summed(double groupId, const at::Tensor& tensor, int64_t timeoutMs, const std::string& op) {
  auto group = distTable().group(groupId);
  checkUsable(*group, op);
  checkCollectiveTensor(*group, op, tensor, 0);
  at::Tensor copy = tensor.detach().clone(at::MemoryFormat::Contiguous);
  allReduceEach(*group, op, {copy}, CallBudget(std::chrono::milliseconds(timeoutMs)));
  return copy;
}

struct AllReduceSum : public torch::autograd::Function<AllReduceSum> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& input, double groupId, int64_t timeoutMs) {
    // The group is held by id, not by reference, so disposing it frees it at once; a backward that
    // runs afterwards gets a clear error from the table instead of using a dead group.
    ctx->saved_data["group"] = groupId;
    ctx->saved_data["timeout"] = timeoutMs;
    return summed(groupId, input, timeoutMs, "allReduceSum");
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const double groupId = ctx->saved_data["group"].toDouble();
    const int64_t timeoutMs = ctx->saved_data["timeout"].toInt();
    return {summed(groupId, grads[0], timeoutMs, "allReduceSum backward"), at::Tensor(), at::Tensor()};
  }
};

// allReduceSum(groupId, handle, timeoutMs) -> a new tensor holding the sum over the ranks.
Napi::Value AllReduceSumEntry(const Napi::CallbackInfo& info) {
  return distGuarded(info, [&]() -> Napi::Value {
    const double groupId = numberArg(info, 0);
    distTable().group(groupId);  // a clear error for a bad id before autograd is involved
    const at::Tensor& input = tensorArg(info, 1);
    const std::chrono::milliseconds timeout = timeoutArg(info, 2);
    at::Tensor result = AllReduceSum::apply(input, groupId, static_cast<int64_t>(timeout.count()));
    Napi::Value handle = tensorValue(info.Env(), std::move(result));
    reportExternalMemory(info.Env());
    return handle;
  });
}

#endif

}  // namespace

void registerDistAutograd(Napi::Env env, Napi::Object exports) {
#ifdef CATRAIN_WITH_GLOO
  exports.Set("distAllReduceSum", Napi::Function::New(env, AllReduceSumEntry, "distAllReduceSum"));
#endif
}

}  // namespace catrain
