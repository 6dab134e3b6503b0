// Calls any ATen operator through the dispatcher by schema name, converting arguments by the
// operator's schema. This keeps the C++ surface to a few entries; the typed API lives in TypeScript.
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/stack.h>

#include <cmath>

#include "common.h"

namespace catrain {
namespace {

enum class Kind {
  Tensor, Int, Double, Bool, Scalar, String, Device, Generator,
  IntList, DoubleList, BoolList, TensorList, OptionalTensorList, Unsupported
};

struct ArgSpec {
  Kind kind;
  bool optional;
  c10::optional<int32_t> fixed_size;  // int[2] accepts one number, repeated
  c10::optional<c10::IValue> default_value;
  std::string name;
  std::string type_name;
};

struct OpEntry {
  c10::OperatorHandle handle;
  std::string name;
  std::vector<ArgSpec> args;
};

std::vector<OpEntry>& ops() {
  static std::vector<OpEntry> registry;
  return registry;
}

Kind kindOf(const c10::TypePtr& type) {
  switch (type->kind()) {
    case c10::TypeKind::TensorType: return Kind::Tensor;
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType: return Kind::Int;
    case c10::TypeKind::FloatType: return Kind::Double;
    case c10::TypeKind::BoolType: return Kind::Bool;
    case c10::TypeKind::NumberType: return Kind::Scalar;
    case c10::TypeKind::StringType: return Kind::String;
    case c10::TypeKind::DeviceObjType: return Kind::Device;
    case c10::TypeKind::GeneratorType: return Kind::Generator;
    case c10::TypeKind::ListType: {
      const c10::TypePtr element = type->expectRef<c10::ListType>().getElementType();
      switch (element->kind()) {
        case c10::TypeKind::IntType:
        case c10::TypeKind::SymIntType: return Kind::IntList;
        case c10::TypeKind::FloatType: return Kind::DoubleList;
        case c10::TypeKind::BoolType: return Kind::BoolList;
        case c10::TypeKind::TensorType: return Kind::TensorList;
        case c10::TypeKind::OptionalType: return Kind::OptionalTensorList;
        default: return Kind::Unsupported;
      }
    }
    default: return Kind::Unsupported;
  }
}

[[noreturn]] void badArgument(const OpEntry& op, const ArgSpec& spec, const std::string& expected) {
  throw std::invalid_argument(op.name + ": argument '" + spec.name + "' (" + spec.type_name + ") expects " + expected);
}

int64_t toInt(const OpEntry& op, const ArgSpec& spec, const Napi::Value& value) {
  if (!value.IsNumber()) badArgument(op, spec, "an integer");
  const double number = value.As<Napi::Number>().DoubleValue();
  if (std::floor(number) != number) badArgument(op, spec, "an integer, got " + std::to_string(number));
  return static_cast<int64_t>(number);
}

at::Tensor toTensor(const OpEntry& op, const ArgSpec& spec, const Napi::Value& value) {
  if (!value.IsNumber()) badArgument(op, spec, "a tensor");
  return table().get(value.As<Napi::Number>().DoubleValue());
}

// Integral numbers become integer scalars so that int tensors keep their dtype, as in Python.
c10::Scalar numberScalar(double number) {
  if (std::floor(number) == number && std::fabs(number) < 9007199254740992.0) return c10::Scalar(static_cast<int64_t>(number));
  return c10::Scalar(number);
}

c10::IValue toIValue(const OpEntry& op, const ArgSpec& spec, const Napi::Value& value) {
  switch (spec.kind) {
    case Kind::Tensor: return toTensor(op, spec, value);
    case Kind::Int: return toInt(op, spec, value);
    case Kind::Double:
      if (!value.IsNumber()) badArgument(op, spec, "a number");
      return value.As<Napi::Number>().DoubleValue();
    case Kind::Bool:
      if (!value.IsBoolean()) badArgument(op, spec, "a boolean");
      return value.As<Napi::Boolean>().Value();
    case Kind::Scalar: {
      if (value.IsBoolean()) return c10::Scalar(value.As<Napi::Boolean>().Value());
      if (!value.IsNumber()) badArgument(op, spec, "a number");
      return numberScalar(value.As<Napi::Number>().DoubleValue());
    }
    case Kind::String:
      if (!value.IsString()) badArgument(op, spec, "a string");
      return value.As<Napi::String>().Utf8Value();
    case Kind::Device:
      if (!value.IsString()) badArgument(op, spec, "a device string such as 'cpu' or 'cuda'");
      return c10::Device(value.As<Napi::String>().Utf8Value());
    case Kind::Generator: badArgument(op, spec, "null (the global generator is used)");
    case Kind::IntList: {
      if (value.IsNumber() && spec.fixed_size) {
        return c10::List<int64_t>(std::vector<int64_t>(*spec.fixed_size, toInt(op, spec, value)));
      }
      if (!value.IsArray()) badArgument(op, spec, "an array of integers");
      const Napi::Array array = value.As<Napi::Array>();
      c10::List<int64_t> list;
      list.reserve(array.Length());
      for (uint32_t i = 0; i < array.Length(); ++i) list.push_back(toInt(op, spec, array.Get(i)));
      return list;
    }
    case Kind::DoubleList: {
      if (!value.IsArray()) badArgument(op, spec, "an array of numbers");
      const Napi::Array array = value.As<Napi::Array>();
      c10::List<double> list;
      for (uint32_t i = 0; i < array.Length(); ++i) list.push_back(array.Get(i).As<Napi::Number>().DoubleValue());
      return list;
    }
    case Kind::BoolList: {
      if (!value.IsArray()) badArgument(op, spec, "an array of booleans");
      const Napi::Array array = value.As<Napi::Array>();
      c10::List<bool> list;
      for (uint32_t i = 0; i < array.Length(); ++i) list.push_back(array.Get(i).ToBoolean().Value());
      return list;
    }
    case Kind::TensorList: {
      if (!value.IsArray()) badArgument(op, spec, "an array of tensors");
      const Napi::Array array = value.As<Napi::Array>();
      c10::List<at::Tensor> list;
      list.reserve(array.Length());
      for (uint32_t i = 0; i < array.Length(); ++i) list.push_back(toTensor(op, spec, array.Get(i)));
      return list;
    }
    case Kind::OptionalTensorList: {
      if (!value.IsArray()) badArgument(op, spec, "an array of tensors or nulls");
      const Napi::Array array = value.As<Napi::Array>();
      c10::List<c10::optional<at::Tensor>> list;
      for (uint32_t i = 0; i < array.Length(); ++i) {
        const Napi::Value item = array.Get(i);
        if (item.IsNull() || item.IsUndefined()) list.push_back(c10::nullopt);
        else list.push_back(toTensor(op, spec, item));
      }
      return list;
    }
    case Kind::Unsupported: break;
  }
  badArgument(op, spec, "a type catrain cannot pass yet");
}

// The common argument kinds read with one N-API call each; false leaves the value to toIValue, which
// also reports what is wrong with it.
bool pushDirect(napi_env env, const ArgSpec& spec, napi_value value, torch::jit::Stack& stack) {
  double number;
  switch (spec.kind) {
    case Kind::Tensor:
      if (!readDouble(env, value, &number)) return false;
      stack.emplace_back(table().get(number));
      return true;
    case Kind::Int:
      if (!readDouble(env, value, &number) || std::floor(number) != number) return false;
      stack.emplace_back(static_cast<int64_t>(number));
      return true;
    case Kind::Double:
      if (!readDouble(env, value, &number)) return false;
      stack.emplace_back(number);
      return true;
    case Kind::Scalar:
      if (!readDouble(env, value, &number)) return false;
      stack.emplace_back(numberScalar(number));
      return true;
    case Kind::Bool: {
      bool flag;
      if (napi_get_value_bool(env, value, &flag) != napi_ok) return false;
      stack.emplace_back(flag);
      return true;
    }
    default:
      return false;
  }
}

Napi::Value fromIValue(Napi::Env env, const c10::IValue& value) {
  if (value.isTensor()) {
    const at::Tensor& tensor = value.toTensor();
    if (!tensor.defined()) return env.Null();
    return tensorValue(env, tensor);
  }
  if (value.isTensorList()) {
    const c10::List<at::Tensor> list = value.toTensorList();
    Napi::Array array = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) array.Set(static_cast<uint32_t>(i), tensorValue(env, list.get(i)));
    return array;
  }
  if (value.isInt()) return Napi::Number::New(env, static_cast<double>(value.toInt()));
  if (value.isDouble()) return Napi::Number::New(env, value.toDouble());
  if (value.isBool()) return Napi::Boolean::New(env, value.toBool());
  if (value.isNone()) return env.Null();
  if (value.isIntList()) {
    const auto list = value.toIntVector();
    Napi::Array array = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) array.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(list[i])));
    return array;
  }
  if (value.isTuple()) {
    const auto& elements = value.toTupleRef().elements();
    Napi::Array array = Napi::Array::New(env, elements.size());
    for (size_t i = 0; i < elements.size(); ++i) array.Set(static_cast<uint32_t>(i), fromIValue(env, elements[i]));
    return array;
  }
  throw std::runtime_error("cannot convert a returned value of tag " + value.tagKind() + " to JS");
}

// opHandle(name, overload) -> index. Looked up once per operator and cached by the TS layer.
Napi::Value OpHandle(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const std::string name = stringArg(info, 0);
    const std::string overload = stringArg(info, 1);
    auto handle = c10::Dispatcher::singleton().findSchema({name, overload});
    if (!handle) {
      throw std::invalid_argument("unknown ATen operator '" + name + (overload.empty() ? "" : "." + overload) +
                                  "' in this libtorch (" + TORCH_VERSION + ")");
    }
    OpEntry entry{*handle, name + (overload.empty() ? "" : "." + overload), {}};
    for (const c10::Argument& argument : handle->schema().arguments()) {
      c10::TypePtr type = argument.type();
      const bool optional = type->kind() == c10::TypeKind::OptionalType;
      if (optional) type = type->expectRef<c10::OptionalType>().getElementType();
      entry.args.push_back(ArgSpec{kindOf(type), optional, argument.N(), argument.default_value(),
                                   argument.name(), argument.type()->str()});
    }
    ops().push_back(std::move(entry));
    return Napi::Number::New(info.Env(), static_cast<double>(ops().size() - 1));
  });
}

Napi::Value OpSchema(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const double index = numberArg(info, 0);
    if (!(index >= 0 && index < static_cast<double>(ops().size()))) throw std::invalid_argument("unknown operator index");
    std::ostringstream out;
    out << ops()[static_cast<size_t>(index)].handle.schema();
    return Napi::String::New(info.Env(), out.str());
  });
}

template <bool kReturnResults>
Napi::Value Call(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const double index = numberArg(info, 0);
    if (!(index >= 0 && index < static_cast<double>(ops().size()))) throw std::invalid_argument("unknown operator index");
    const OpEntry& op = ops()[static_cast<size_t>(index)];
    // One stack reused by every call (JS is single-threaded and libtorch never calls back into it),
    // which saves an allocation per op; it is emptied on every exit so it holds no tensor between calls.
    static torch::jit::Stack stack;
    stack.clear();
    struct Emptied {
      ~Emptied() { stack.clear(); }
    } emptied;
    const size_t given = info.Length() - 1;
    napi_env env = info.Env();
    for (size_t i = 0; i < op.args.size(); ++i) {
      const ArgSpec& spec = op.args[i];
      // An argument left out reads as undefined without asking N-API.
      const bool absent = i >= given;
      if (!absent && pushDirect(env, spec, info[i + 1], stack)) continue;
      const Napi::Value value = absent ? Napi::Value() : info[i + 1];
      const bool undefinedValue = absent || value.IsUndefined();
      if (undefinedValue || value.IsNull()) {
        if (undefinedValue && spec.default_value) {
          stack.push_back(*spec.default_value);
        } else if (spec.optional) {
          stack.emplace_back();
        } else {
          badArgument(op, spec, "a value (it is required)");
        }
        continue;
      }
      stack.push_back(toIValue(op, spec, value));
    }
    op.handle.callBoxed(&stack);
    if (!kReturnResults) return info.Env().Undefined();
    Napi::Value result;
    if (stack.size() == 1) {
      result = fromIValue(info.Env(), stack[0]);
    } else {
      Napi::Array array = Napi::Array::New(info.Env(), stack.size());
      for (size_t i = 0; i < stack.size(); ++i) array.Set(static_cast<uint32_t>(i), fromIValue(info.Env(), stack[i]));
      result = array;
    }
    reportExternalMemory(info.Env());
    return result;
  });
}

}  // namespace

void registerDispatch(Napi::Env env, Napi::Object exports) {
  exports.Set("opHandle", Napi::Function::New(env, OpHandle, "opHandle"));
  exports.Set("opSchema", Napi::Function::New(env, OpSchema, "opSchema"));
  exports.Set("call", Napi::Function::New(env, Call<true>, "call"));
  exports.Set("callVoid", Napi::Function::New(env, Call<false>, "callVoid"));
}

}  // namespace catrain
