// Module entry: assembles the exports of each entry file.
#include "common.h"

namespace catrain {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  registerTensorTable(env, exports);
  registerDispatch(env, exports);
  registerTensorData(env, exports);
  registerAutograd(env, exports);
  registerRuntime(env, exports);
  return exports;
}

NODE_API_MODULE(catrain_native, Init)

}  // namespace catrain
