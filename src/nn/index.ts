// Layers, containers, surgery, channel scaling and the op tracer for catrain networks (PyTorch-compatible state keys).
export { Module, type ForwardHook, type ForwardPreHook, type LoadOptions } from './module.js';
export type { Parametrization } from './parametrization.js';
export { Parameter, Buffer, type ParameterSlice } from './parameter.js';
export type { LoadResult } from './state-dict.js';
export { WeightedLayer } from './weighted-layer.js';
export { Linear, type LinearOptions } from './linear.js';
export { Convolution, Conv1d, Conv2d, type ConvOptions, type Conv1dOptions, type Conv2dOptions, type Pair, type Single, type PaddingMode } from './conv.js';
export { BatchNorm, BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './batchnorm.js';
export type { WorkerSum } from './sync-batchnorm.js';
export { ReLU, Identity, Dropout, Flatten } from './activation.js';
export { MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool1d, GlobalAvgPool1d, GlobalAvgPool2d, type PoolOptions, type Pool1dOptions, type Pool2dOptions } from './pooling.js';
export { Sequential } from './sequential.js';
export { ResidualBlock, ChainedBlock, BasicBlock, Bottleneck, conv1x1, conv3x3, projection, type Residual, type BranchHook, type BasicBranch, type BottleneckBranch, type ResidualBlockOptions } from './residual.js';
export { registerResidual, residualOf } from './residual-registry.js';
export type { ModuleClass } from './class-registry.js';
export { registerSurgery, surgeryFor, canKeep, widthOf, keep, type SurgeryHandler, type SideSurgery, type InputSurgery, type OutputSurgery, type Side } from './surgery.js';
export {
  registerChannelScale, canScaleChannels, channelScaleProblem, scaleChannels, zeroChannels, scaleAlong,
  type ChannelScale, type ChannelScaleHandler, type ChannelScaleSide, type ChannelCarrier,
} from './channel-scale.js';
export { checkKeep, flattenedIndices } from './indices.js';
export { traceForward, type Trace, type TraceEvent, type TracedOp, type TracedModuleCall, type TracedValue } from './trace.js';
export * as init from './init.js';
export { withBuffersRestored } from './buffer-snapshot.js';
