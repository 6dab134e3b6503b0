// Autograd entries: requires-grad flags, backward, gradients, and the grad-mode switch.
#include <c10/core/GradMode.h>

#include "common.h"

namespace catrain {
namespace {

Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    at::Tensor tensor = tensorArg(info, 0);
    tensor.set_requires_grad(info[1].ToBoolean().Value());
    return info.Env().Undefined();
  });
}

Napi::Value RequiresGrad(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    return Napi::Boolean::New(info.Env(), tensorArg(info, 0).requires_grad());
  });
}

Napi::Value IsLeaf(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value { return Napi::Boolean::New(info.Env(), tensorArg(info, 0).is_leaf()); });
}

// backward(handle, gradHandle | null, retainGraph)
Napi::Value Backward(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const at::Tensor& tensor = tensorArg(info, 0);
    at::Tensor gradient;
    if (info.Length() > 1 && info[1].IsNumber()) gradient = tensorArg(info, 1);
    const bool retain = info.Length() > 2 && info[2].ToBoolean().Value();
    tensor.backward(gradient, retain, false);
    reportExternalMemory(info.Env());
    return info.Env().Undefined();
  });
}

Napi::Value Grad(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const at::Tensor& gradient = tensorArg(info, 0).grad();
    if (!gradient.defined()) return info.Env().Null();
    return tensorValue(info.Env(), gradient);
  });
}

// setGrad(handle, gradHandle | null): null drops the gradient, as optimizer.zero_grad(set_to_none) does.
Napi::Value SetGrad(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    at::Tensor tensor = tensorArg(info, 0);
    if (info.Length() > 1 && info[1].IsNumber()) {
      tensor.mutable_grad() = tensorArg(info, 1);
    } else {
      tensor.mutable_grad().reset();
    }
    return info.Env().Undefined();
  });
}

Napi::Value RetainGrad(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    tensorArg(info, 0).retain_grad();
    return info.Env().Undefined();
  });
}

// setGradEnabled(enabled) -> previous setting, so a JS scope can restore it.
Napi::Value SetGradEnabled(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    if (info.Length() < 1 || !info[0].IsBoolean()) throw Napi::TypeError::New(info.Env(), "expected a boolean at argument 0");
    const bool previous = c10::GradMode::is_enabled();
    c10::GradMode::set_enabled(info[0].As<Napi::Boolean>().Value());
    return Napi::Boolean::New(info.Env(), previous);
  });
}

Napi::Value IsGradEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), c10::GradMode::is_enabled());
}

}  // namespace

void registerAutograd(Napi::Env env, Napi::Object exports) {
  exports.Set("setRequiresGrad", Napi::Function::New(env, SetRequiresGrad, "setRequiresGrad"));
  exports.Set("requiresGrad", Napi::Function::New(env, RequiresGrad, "requiresGrad"));
  exports.Set("isLeaf", Napi::Function::New(env, IsLeaf, "isLeaf"));
  exports.Set("backward", Napi::Function::New(env, Backward, "backward"));
  exports.Set("grad", Napi::Function::New(env, Grad, "grad"));
  exports.Set("setGrad", Napi::Function::New(env, SetGrad, "setGrad"));
  exports.Set("retainGrad", Napi::Function::New(env, RetainGrad, "retainGrad"));
  exports.Set("setGradEnabled", Napi::Function::New(env, SetGradEnabled, "setGradEnabled"));
  exports.Set("isGradEnabled", Napi::Function::New(env, IsGradEnabled, "isGradEnabled"));
}

}  // namespace catrain
