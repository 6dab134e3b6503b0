// The collectives training needs, each bounded by a timeout: all-reduce (sum) of a list, broadcast of
// a list from a root, barrier and all-gather. Every rank must make the same calls in the same order.
#include "distributed.h"

#include <c10/core/GradMode.h>

#include <cmath>

namespace catrain {
namespace {

#ifdef CATRAIN_WITH_GLOO

void checkList(GroupEntry& group, const std::string& op, const std::vector<at::Tensor>& tensors) {
  checkUsable(group, op);
  for (size_t i = 0; i < tensors.size(); ++i) checkCollectiveTensor(group, op, tensors[i], i);
}

// allReduce(groupId, handles, timeoutMs): sums each tensor in place across the ranks.
Napi::Value AllReduce(const Napi::CallbackInfo& info) {
  return distGuarded(info, [&]() -> Napi::Value {
    auto group = distTable().group(numberArg(info, 0));
    const std::vector<at::Tensor> tensors = tensorListArg(info, 1);
    const std::chrono::milliseconds timeout = timeoutArg(info, 2);
    checkList(*group, "allReduce", tensors);
    at::NoGradGuard noGrad;
    allReduceEach(*group, "allReduce", tensors, CallBudget(timeout));
    return info.Env().Undefined();
  });
}

// broadcast(groupId, handles, root, timeoutMs): every rank's tensors take the root's values.
Napi::Value Broadcast(const Napi::CallbackInfo& info) {
  return distGuarded(info, [&]() -> Napi::Value {
    auto group = distTable().group(numberArg(info, 0));
    const std::vector<at::Tensor> tensors = tensorListArg(info, 1);
    const double root = numberArg(info, 2);
    const std::chrono::milliseconds timeout = timeoutArg(info, 3);
    if (!(root >= 0 && root < group->size) || std::floor(root) != root) {
      throw std::invalid_argument(group->where("broadcast") + ": root must be a rank in [0, " + std::to_string(group->size - 1) +
                                  "], got " + std::to_string(root));
    }
    checkList(*group, "broadcast", tensors);
    const CallBudget budget(timeout);
    agreeOnCall(*group, "broadcast", describeCall("broadcast", tensors, std::to_string(static_cast<int64_t>(root))), budget);
    at::NoGradGuard noGrad;
    std::vector<at::Tensor> dense;
    for (const at::Tensor& tensor : tensors) dense.push_back(tensor.is_contiguous() ? tensor : tensor.contiguous());
    c10d::BroadcastOptions options;
    options.rootRank = static_cast<int64_t>(root);
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    try {
      for (at::Tensor& tensor : dense) {
        std::vector<at::Tensor> one{tensor};
        works.push_back(group->backend->broadcast(one, options));
      }
    } catch (...) {
      group->markBroken("a broadcast could not be enqueued");
      throw;
    }
    waitAll(*group, "broadcast", works, budget);
    for (size_t i = 0; i < tensors.size(); ++i) {
      if (!dense[i].is_same(tensors[i])) {
        at::Tensor target = tensors[i];
        target.copy_(dense[i]);
      }
    }
    return info.Env().Undefined();
  });
}

// barrier(groupId, timeoutMs): returns once every rank has reached it.
Napi::Value Barrier(const Napi::CallbackInfo& info) {
  return distGuarded(info, [&]() -> Napi::Value {
    auto group = distTable().group(numberArg(info, 0));
    const std::chrono::milliseconds timeout = timeoutArg(info, 1);
    checkUsable(*group, "barrier");
    const CallBudget budget(timeout);
    agreeOnCall(*group, "barrier", describeCall("barrier", {}, ""), budget);
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    try {
      works.push_back(group->backend->barrier());
    } catch (...) {
      group->markBroken("a barrier could not be enqueued");
      throw;
    }
    waitAll(*group, "barrier", works, budget);
    return info.Env().Undefined();
  });
}

// allGather(groupId, handle, timeoutMs) -> one new tensor per rank, in rank order. Every rank must
// pass a tensor of the same shape and dtype.
Napi::Value AllGather(const Napi::CallbackInfo& info) {
  return distGuarded(info, [&]() -> Napi::Value {
    auto group = distTable().group(numberArg(info, 0));
    const at::Tensor& input = tensorArg(info, 1);
    const std::chrono::milliseconds timeout = timeoutArg(info, 2);
    checkUsable(*group, "allGather");
    checkCollectiveTensor(*group, "allGather", input, 0);
    const CallBudget budget(timeout);
    agreeOnCall(*group, "allGather", describeCall("allGather", {input}, ""), budget);
    at::NoGradGuard noGrad;
    std::vector<at::Tensor> inputs{input.detach().contiguous()};
    std::vector<std::vector<at::Tensor>> outputs(1);
    for (int r = 0; r < group->size; ++r) outputs[0].push_back(at::empty_like(inputs[0], at::MemoryFormat::Contiguous));
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    try {
      works.push_back(group->backend->allgather(outputs, inputs));
    } catch (...) {
      group->markBroken("an all-gather could not be enqueued");
      throw;
    }
    waitAll(*group, "allGather", works, budget);
    Napi::Array result = Napi::Array::New(info.Env(), outputs[0].size());
    for (size_t r = 0; r < outputs[0].size(); ++r) result.Set(static_cast<uint32_t>(r), tensorValue(info.Env(), outputs[0][r]));
    reportExternalMemory(info.Env());
    return result;
  });
}

#endif

}  // namespace

void registerDistCollectives(Napi::Env env, Napi::Object exports) {
#ifdef CATRAIN_WITH_GLOO
  exports.Set("distAllReduce", Napi::Function::New(env, AllReduce, "distAllReduce"));
  exports.Set("distBroadcast", Napi::Function::New(env, Broadcast, "distBroadcast"));
  exports.Set("distBarrier", Napi::Function::New(env, Barrier, "distBarrier"));
  exports.Set("distAllGather", Napi::Function::New(env, AllGather, "distAllGather"));
#endif
}

}  // namespace catrain
