// The engine's public API: typed tensors over libtorch, autograd, memory scopes and serialisation.
export { Tensor, type MemoryFormat } from './tensor.js';
export { TorchError, aten, callTensor, callTensors, callInPlace, observeOps, type AtenOp, type AtenArg, type OpCall, type OpObserver } from './aten.js';
export { DTYPES, isFloating, byteSize, type DType, type FloatDType, type TypedArrayFor, type AnyTypedArray } from './dtype.js';
export { checkDevice, isCudaAvailable, cudaDeviceCount, type Device } from './device.js';
export { scope, keep, disposeAll, inScope } from './scope.js';
export { noGrad, enableGrad, isGradEnabled } from './autograd.js';
export { memory, setNumThreads, getNumThreads, manualSeed, getRngState, setRngState, synchronize, torchVersion, type MemoryInfo } from './runtime.js';
export { saveTensors, loadTensors, toRawTensor, fromRawTensor } from './serialize.js';
export * from './safetensors.js';
export * from './ops/creation.js';
export * from './ops/elementwise.js';
export * from './ops/reduction.js';
export * from './ops/shape.js';
export * from './ops/nn.js';
export * from './ops/inplace.js';
export * from './distributed/index.js';
