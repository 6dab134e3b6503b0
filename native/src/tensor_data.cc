// Moves data between JS typed arrays and tensors, and reports tensor metadata.
#include <cstring>

#include "common.h"

namespace catrain {
namespace {

std::vector<int64_t> shapeArg(const Napi::CallbackInfo& info, size_t index) {
  if (!info[index].IsArray()) throw Napi::TypeError::New(info.Env(), "shape must be an array of integers");
  const Napi::Array array = info[index].As<Napi::Array>();
  std::vector<int64_t> shape(array.Length());
  for (uint32_t i = 0; i < array.Length(); ++i) shape[i] = array.Get(i).As<Napi::Number>().Int64Value();
  return shape;
}

// fromBuffer(typedArray, shape, dtypeCode, device) copies the bytes, so JS may reuse its array.
Napi::Value FromBuffer(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    if (!info[0].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "fromBuffer expects a TypedArray");
    const Napi::TypedArray source = info[0].As<Napi::TypedArray>();
    const std::vector<int64_t> shape = shapeArg(info, 1);
    const auto dtype = static_cast<c10::ScalarType>(info[2].As<Napi::Number>().Int32Value());
    at::Tensor tensor = at::empty(shape, at::TensorOptions().dtype(dtype));
    const size_t expected = tensor.nbytes();
    if (source.ByteLength() != expected) {
      throw std::invalid_argument("fromBuffer: data has " + std::to_string(source.ByteLength()) + " bytes but shape " +
                                  c10::str(tensor.sizes()) + " of " + c10::toString(dtype) + " needs " +
                                  std::to_string(expected));
    }
    const uint8_t* bytes = static_cast<const uint8_t*>(source.ArrayBuffer().Data()) + source.ByteOffset();
    if (expected > 0) std::memcpy(tensor.data_ptr(), bytes, expected);
    if (info.Length() > 3 && info[3].IsString()) {
      const c10::Device device(info[3].As<Napi::String>().Utf8Value());
      if (!device.is_cpu()) tensor = tensor.to(device);
    }
    Napi::Value handle = tensorValue(info.Env(), std::move(tensor));
    reportExternalMemory(info.Env());
    return handle;
  });
}

// toBuffer(handle) -> ArrayBuffer holding a contiguous CPU copy of the tensor's elements.
Napi::Value ToBuffer(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const at::Tensor tensor = tensorArg(info, 0).detach().to(at::kCPU).contiguous();
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(info.Env(), tensor.nbytes());
    if (tensor.nbytes() > 0) std::memcpy(buffer.Data(), tensor.data_ptr(), tensor.nbytes());
    return buffer;
  });
}

// meta(handle) -> [dtypeCode, deviceType ('cpu' | 'cuda' ...), deviceIndex, ...shape]
Napi::Value Meta(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const at::Tensor& tensor = tensorArg(info, 0);
    Napi::Env env = info.Env();
    const auto sizes = tensor.sizes();
    Napi::Array result = Napi::Array::New(env, 3 + sizes.size());
    result.Set(0u, Napi::Number::New(env, static_cast<int>(tensor.scalar_type())));
    result.Set(1u, Napi::String::New(env, c10::DeviceTypeName(tensor.device().type(), true)));
    result.Set(2u, Napi::Number::New(env, tensor.device().index()));
    for (size_t i = 0; i < sizes.size(); ++i) {
      result.Set(static_cast<uint32_t>(3 + i), Napi::Number::New(env, static_cast<double>(sizes[i])));
    }
    return result;
  });
}

Napi::Value Strides(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const auto strides = tensorArg(info, 0).strides();
    Napi::Array result = Napi::Array::New(info.Env(), strides.size());
    for (size_t i = 0; i < strides.size(); ++i) {
      result.Set(static_cast<uint32_t>(i), Napi::Number::New(info.Env(), static_cast<double>(strides[i])));
    }
    return result;
  });
}

Napi::Value Item(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const at::Tensor& tensor = tensorArg(info, 0);
    if (tensor.scalar_type() == at::kBool) return Napi::Boolean::New(info.Env(), tensor.item<bool>());
    return Napi::Number::New(info.Env(), tensor.item<double>());
  });
}

Napi::Value IsContiguous(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const at::Tensor& tensor = tensorArg(info, 0);
    const bool channelsLast = info.Length() > 1 && info[1].ToBoolean().Value();
    return Napi::Boolean::New(info.Env(), tensor.is_contiguous(channelsLast ? at::MemoryFormat::ChannelsLast
                                                                             : at::MemoryFormat::Contiguous));
  });
}

}  // namespace

void registerTensorData(Napi::Env env, Napi::Object exports) {
  exports.Set("fromBuffer", Napi::Function::New(env, FromBuffer, "fromBuffer"));
  exports.Set("toBuffer", Napi::Function::New(env, ToBuffer, "toBuffer"));
  exports.Set("meta", Napi::Function::New(env, Meta, "meta"));
  exports.Set("strides", Napi::Function::New(env, Strides, "strides"));
  exports.Set("item", Napi::Function::New(env, Item, "item"));
  exports.Set("isContiguous", Napi::Function::New(env, IsContiguous, "isContiguous"));
}

}  // namespace catrain
