// What every collective entry goes through: the usability and tensor checks, the agreement on the
// call among the ranks, and the bounded wait for the works it enqueued.
#include "distributed.h"

#ifdef CATRAIN_WITH_GLOO

#include <c10/core/GradMode.h>

namespace catrain {

std::chrono::milliseconds CallBudget::left() const {
  const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  // A zero wait means "forever" to c10d, so a spent budget still waits one millisecond.
  return std::max(remaining, std::chrono::milliseconds(1));
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

std::string describeCall(const std::string& op, const std::vector<at::Tensor>& tensors, const std::string& extra) {
  std::string text = op + "|" + extra;
  for (const at::Tensor& tensor : tensors) {
    text += "|" + std::string(c10::toString(tensor.scalar_type())) + ":" + std::to_string(tensor.numel());
  }
  return text;
}

namespace {

uint64_t fingerprint(const std::string& text) {
  uint64_t hash = 14695981039346656037ull;  // FNV-1a
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash >> 2;  // fits an int64 without a sign
}

}  // namespace

void agreeOnCall(GroupEntry& group, const std::string& op, const std::string& description, const CallBudget& budget) {
  if (group.size == 1) return;
  // Gloo's transport thread aborts the process when a message is longer than the buffer posted for
  // it, which is what a peer with another shape, dtype or collective sends. So the ranks first
  // exchange a fixed-size fingerprint of the call and go on only if every one matches.
  at::NoGradGuard noGrad;
  const int64_t mine = static_cast<int64_t>(fingerprint(description));
  std::vector<at::Tensor> input{at::full({1}, mine, at::TensorOptions().dtype(at::kLong))};
  if (group.backendName == "nccl") input[0] = input[0].cuda();
  std::vector<std::vector<at::Tensor>> output(1);
  for (int r = 0; r < group.size; ++r) output[0].push_back(at::empty_like(input[0]));
  std::vector<c10::intrusive_ptr<c10d::Work>> works;
  try {
    works.push_back(group.backend->allgather(output, input));
  } catch (...) {
    group.markBroken("a call could not be enqueued");
    throw;
  }
  waitAll(group, op, works, budget);
  std::string differing;
  for (int r = 0; r < group.size; ++r) {
    if (output[0][r].cpu().item<int64_t>() != mine) differing += (differing.empty() ? "" : ", ") + std::to_string(r);
  }
  if (differing.empty()) return;
  group.markBroken("the ranks made different calls");
  throw DistError("mismatch", group.where(op) + ": the ranks do not agree on this call: rank(s) " + differing +
                                  " made another call (a different collective, or other tensor counts, shapes or dtypes). "
                                  "Every rank must make the same calls in the same order with tensors of the same shapes and dtypes.");
}

void waitAll(GroupEntry& group, const std::string& op, std::vector<c10::intrusive_ptr<c10d::Work>>& works, const CallBudget& budget) {
  for (auto& work : works) {
    bool finished = false;
    std::string failure;
    try {
      finished = work->wait(budget.left());
    } catch (const c10::Error& error) {
      failure = error.what_without_backtrace();
    } catch (const std::exception& error) {
      failure = error.what();
    }
    // c10d words an expired wait as a generic error; the work itself never completed then.
    if (!failure.empty() && !work->isCompleted()) {
      const std::string total = std::to_string(budget.total.count());
      group.markBroken("timed out after " + total + " ms");
      throw DistError("timeout", group.where(op) + " timed out after " + total +
                                     " ms: a peer did not join this collective (it may have stopped, died, or be running a different step)");
    }
    if (!failure.empty() || !finished) {
      if (failure.empty()) failure = "the work was aborted";
      group.markBroken(failure);
      throw DistError("failed", group.where(op) + " failed: " + failure);
    }
  }
}

void allReduceEach(GroupEntry& group, const std::string& op, const std::vector<at::Tensor>& tensors, const CallBudget& budget) {
  agreeOnCall(group, op, describeCall(op, tensors, ""), budget);
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
  waitAll(group, op, works, budget);
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (!dense[i].is_same(tensors[i])) {
      at::Tensor target = tensors[i];
      target.copy_(dense[i]);
    }
  }
}

}  // namespace catrain

#endif
