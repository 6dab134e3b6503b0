// Bucketed all-reduce of many tensors in one call: tensors of one dtype and device are packed, in
// order, into flat buckets of about `bucketBytes`, each bucket is all-reduced as one collective
// while the next is being packed, and the sums are copied back (optionally scaled). Calling the
// collective once per gradient from JS costs a crossing and a gloo round trip per tensor.
#include "distributed.h"

#include <c10/core/GradMode.h>

#include <cmath>

namespace catrain {
namespace {

#ifdef CATRAIN_WITH_GLOO

struct Bucket {
  std::vector<size_t> members;  // indices into the tensor list
  at::Tensor flat;              // undefined while the bucket is a single contiguous tensor reduced in place
};

// Consecutive tensors of the same dtype and device share a bucket until it would pass the size.
std::vector<Bucket> planBuckets(const std::vector<at::Tensor>& tensors, int64_t bucketBytes) {
  std::vector<Bucket> buckets;
  int64_t filled = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const at::Tensor& tensor = tensors[i];
    const int64_t bytes = static_cast<int64_t>(tensor.nbytes());
    const bool fits = !buckets.empty() && filled + bytes <= bucketBytes &&
                      tensors[buckets.back().members.front()].scalar_type() == tensor.scalar_type() &&
                      tensors[buckets.back().members.front()].device() == tensor.device();
    if (!fits) {
      buckets.emplace_back();
      filled = 0;
    }
    buckets.back().members.push_back(i);
    filled += bytes;
  }
  return buckets;
}

at::Tensor pack(const std::vector<at::Tensor>& tensors, const Bucket& bucket) {
  int64_t total = 0;
  for (size_t i : bucket.members) total += tensors[i].numel();
  at::Tensor flat = at::empty({total}, tensors[bucket.members.front()].options());
  int64_t offset = 0;
  for (size_t i : bucket.members) {
    const int64_t n = tensors[i].numel();
    flat.narrow(0, offset, n).view(tensors[i].sizes()).copy_(tensors[i]);
    offset += n;
  }
  return flat;
}

void unpack(const std::vector<at::Tensor>& tensors, const Bucket& bucket, double scale) {
  if (scale != 1.0) bucket.flat.mul_(scale);
  int64_t offset = 0;
  for (size_t i : bucket.members) {
    const int64_t n = tensors[i].numel();
    at::Tensor target = tensors[i];
    target.copy_(bucket.flat.narrow(0, offset, n).view(target.sizes()));
    offset += n;
  }
}

// allReduceCoalesced(groupId, handles, bucketBytes, scale, timeoutMs): sums every tensor in place
// across the ranks, then multiplies it by `scale` (1 / worldSize gives the mean).
Napi::Value AllReduceCoalesced(const Napi::CallbackInfo& info) {
  return distGuarded(info, [&]() -> Napi::Value {
    auto group = distTable().group(numberArg(info, 0));
    const std::vector<at::Tensor> tensors = tensorListArg(info, 1);
    const double bucketBytes = numberArg(info, 2);
    const double scale = numberArg(info, 3);
    const std::chrono::milliseconds timeout = timeoutArg(info, 4);
    if (!(bucketBytes >= 1 && bucketBytes < 9007199254740992.0)) {
      throw std::invalid_argument("allReduceCoalesced: bucketBytes must be a positive byte count, got " + std::to_string(bucketBytes));
    }
    if (!std::isfinite(scale)) throw std::invalid_argument("allReduceCoalesced: scale must be finite");
    const std::string op = "allReduceCoalesced";
    checkUsable(*group, op);
    for (size_t i = 0; i < tensors.size(); ++i) checkCollectiveTensor(*group, op, tensors[i], i);
    const CallBudget budget(timeout);
    agreeOnCall(*group, op, describeCall(op, tensors, std::to_string(static_cast<int64_t>(bucketBytes))), budget);
    at::NoGradGuard noGrad;
    std::vector<Bucket> buckets = planBuckets(tensors, static_cast<int64_t>(bucketBytes));
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    works.reserve(buckets.size());
    try {
      for (Bucket& bucket : buckets) {
        const at::Tensor& first = tensors[bucket.members.front()];
        // A lone contiguous tensor needs no packing: it is reduced where it lies.
        at::Tensor target = bucket.members.size() == 1 && first.is_contiguous() ? first : pack(tensors, bucket);
        if (!target.is_same(first)) bucket.flat = target;
        std::vector<at::Tensor> one{target};
        works.push_back(group->backend->allreduce(one));
      }
    } catch (...) {
      group->markBroken("a bucket could not be enqueued");
      throw;
    }
    waitAll(*group, op, works, budget);
    for (const Bucket& bucket : buckets) {
      if (bucket.flat.defined()) {
        unpack(tensors, bucket, scale);
      } else if (scale != 1.0) {
        at::Tensor target = tensors[bucket.members.front()];
        target.mul_(scale);
      }
    }
    return info.Env().Undefined();
  });
}

#endif

}  // namespace

void registerDistCoalesced(Napi::Env env, Napi::Object exports) {
#ifdef CATRAIN_WITH_GLOO
  exports.Set("distAllReduceCoalesced", Napi::Function::New(env, AllReduceCoalesced, "distAllReduceCoalesced"));
#endif
}

}  // namespace catrain
