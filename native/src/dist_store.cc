// TCPStore entries: the key-value rendezvous that process groups are built on.
#include "distributed.h"

#include <cmath>
#include <cstring>

#ifdef CATRAIN_WITH_GLOO
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace catrain {
namespace {

#ifdef CATRAIN_WITH_GLOO

std::vector<std::string> keysArg(const Napi::CallbackInfo& info, size_t index) {
  if (index >= info.Length() || !info[index].IsArray()) {
    throw Napi::TypeError::New(info.Env(), "expected an array of key strings at argument " + std::to_string(index));
  }
  const Napi::Array array = info[index].As<Napi::Array>();
  std::vector<std::string> keys;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    const Napi::Value key = array.Get(i);
    if (!key.IsString()) throw Napi::TypeError::New(info.Env(), "store keys must be strings");
    keys.push_back(key.As<Napi::String>().Utf8Value());
  }
  return keys;
}

bool boolArg(const Napi::CallbackInfo& info, size_t index) {
  if (index >= info.Length() || !info[index].IsBoolean()) {
    throw Napi::TypeError::New(info.Env(), "expected a boolean at argument " + std::to_string(index));
  }
  return info[index].As<Napi::Boolean>().Value();
}

// storeCreate(host, port, isServer, timeoutMs, connectTimeoutMs) -> id. Blocks until connected, or
// connectTimeoutMs; timeoutMs then bounds the store's own waits.
// Waiting for the other members is done over the store by the TS layer: 1.13's own wait gives up
// silently when its time runs out.
Napi::Value StoreCreate(const Napi::CallbackInfo& info) {
  return distGuarded(info, [&]() -> Napi::Value {
    const std::string host = stringArg(info, 0);
    const double port = numberArg(info, 1);
    const bool isServer = boolArg(info, 2);
    const std::chrono::milliseconds timeout = timeoutArg(info, 3);
    const std::chrono::milliseconds connectTimeout = timeoutArg(info, 4);
    if (!(port >= 0 && port <= 65535) || std::floor(port) != port) {
      throw std::invalid_argument("store port must be an integer in [0, 65535], got " + std::to_string(port));
    }
    if (host.empty()) throw std::invalid_argument("store host is empty: pass the master's address, e.g. 127.0.0.1");
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(port);
    options.isServer = isServer;
    options.waitWorkers = false;
    options.timeout = connectTimeout;
    auto entry = std::make_shared<StoreEntry>();
    auto store = c10::make_intrusive<c10d::TCPStore>(host, options);
    store->setTimeout(timeout);
    entry->host = host;
    entry->port = store->getPort();
    entry->store = store;
    return Napi::Number::New(info.Env(), distTable().addStore(std::move(entry)));
  });
}

Napi::Value StorePort(const Napi::CallbackInfo& info) {
  return distGuarded(info, [&]() -> Napi::Value {
    return Napi::Number::New(info.Env(), distTable().store(numberArg(info, 0))->port);
  });
}

// storeSet(id, key, bytes)
Napi::Value StoreSet(const Napi::CallbackInfo& info) {
  return distGuarded(info, [&]() -> Napi::Value {
    auto entry = distTable().store(numberArg(info, 0));
    const std::string key = stringArg(info, 1);
    if (info.Length() < 3 || !info[2].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "storeSet expects the value as a Uint8Array");
    const Napi::TypedArray value = info[2].As<Napi::TypedArray>();
    const uint8_t* bytes = static_cast<const uint8_t*>(value.ArrayBuffer().Data()) + value.ByteOffset();
    entry->store->set(key, std::vector<uint8_t>(bytes, bytes + value.ByteLength()));
    return info.Env().Undefined();
  });
}

// storeGet(id, key, timeoutMs) -> ArrayBuffer; waits for the key to be set.
Napi::Value StoreGet(const Napi::CallbackInfo& info) {
  return distGuarded(info, [&]() -> Napi::Value {
    auto entry = distTable().store(numberArg(info, 0));
    const std::string key = stringArg(info, 1);
    const std::chrono::milliseconds timeout = timeoutArg(info, 2);
    entry->store->wait({key}, timeout);
    const std::vector<uint8_t> value = entry->store->get(key);
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(info.Env(), value.size());
    if (!value.empty()) std::memcpy(buffer.Data(), value.data(), value.size());
    return buffer;
  });
}

// storeAdd(id, key, delta) -> the new value; creates the key at 0.
Napi::Value StoreAdd(const Napi::CallbackInfo& info) {
  return distGuarded(info, [&]() -> Napi::Value {
    auto entry = distTable().store(numberArg(info, 0));
    const std::string key = stringArg(info, 1);
    const double delta = numberArg(info, 2);
    if (std::floor(delta) != delta || std::fabs(delta) >= 9007199254740992.0) {
      throw std::invalid_argument("storeAdd: the increment must be a safe integer, got " + std::to_string(delta));
    }
    return Napi::Number::New(info.Env(), static_cast<double>(entry->store->add(key, static_cast<int64_t>(delta))));
  });
}

// storeWait(id, keys, timeoutMs)
Napi::Value StoreWait(const Napi::CallbackInfo& info) {
  return distGuarded(info, [&]() -> Napi::Value {
    auto entry = distTable().store(numberArg(info, 0));
    const std::vector<std::string> keys = keysArg(info, 1);
    entry->store->wait(keys, timeoutArg(info, 2));
    return info.Env().Undefined();
  });
}

// storeCheck(id, keys) -> whether every key is set, without waiting.
Napi::Value StoreCheck(const Napi::CallbackInfo& info) {
  return distGuarded(info, [&]() -> Napi::Value {
    auto entry = distTable().store(numberArg(info, 0));
    return Napi::Boolean::New(info.Env(), entry->store->check(keysArg(info, 1)));
  });
}

Napi::Value StoreDelete(const Napi::CallbackInfo& info) {
  return distGuarded(info, [&]() -> Napi::Value {
    auto entry = distTable().store(numberArg(info, 0));
    return Napi::Boolean::New(info.Env(), entry->store->deleteKey(stringArg(info, 1)));
  });
}

#endif

}  // namespace

void registerDistStore(Napi::Env env, Napi::Object exports) {
#ifdef CATRAIN_WITH_GLOO
  exports.Set("distStoreCreate", Napi::Function::New(env, StoreCreate, "distStoreCreate"));
  exports.Set("distStorePort", Napi::Function::New(env, StorePort, "distStorePort"));
  exports.Set("distStoreSet", Napi::Function::New(env, StoreSet, "distStoreSet"));
  exports.Set("distStoreGet", Napi::Function::New(env, StoreGet, "distStoreGet"));
  exports.Set("distStoreAdd", Napi::Function::New(env, StoreAdd, "distStoreAdd"));
  exports.Set("distStoreWait", Napi::Function::New(env, StoreWait, "distStoreWait"));
  exports.Set("distStoreCheck", Napi::Function::New(env, StoreCheck, "distStoreCheck"));
  exports.Set("distStoreDelete", Napi::Function::New(env, StoreDelete, "distStoreDelete"));
#endif
}

}  // namespace catrain
