// Module entry: assembles the exports of each entry file.
#include "common.h"
#include "distributed.h"

namespace catrain {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  registerTensorTable(env, exports);
  registerDispatch(env, exports);
  registerTensorData(env, exports);
  registerAutograd(env, exports);
  registerRuntime(env, exports);
  registerDistTable(env, exports);
  registerDistStore(env, exports);
  registerDistGroup(env, exports);
  registerDistCollectives(env, exports);
  registerDistCoalesced(env, exports);
  registerDistAutograd(env, exports);
  return exports;
}

NODE_API_MODULE(catrain_native, Init)

}  // namespace catrain
