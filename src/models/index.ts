// The model zoo (MLP, LeNet, VGG, CIFAR and ImageNet ResNets; for signals FCN, ResNet and LeNet in 1-d) and complexity counting.
export { type ModelOptions, heInitConvs } from './common.js';
export { mlp, lenet300 } from './mlp.js';
export { lenet5 } from './lenet.js';
export { VGG, vgg11, vgg16, type VggName } from './vgg.js';
export { CifarResNet, cifarResNet, CIFAR_RESNET_DEPTHS, type CifarResNetDepth } from './resnet-cifar.js';
export { ResNet, resnet18, resnet34, resnet50, type ImageNetResNetName } from './resnet-imagenet.js';
export { Fcn1d, fcn1d, convNormRelu, FCN1D_FILTERS, FCN1D_KERNELS, type Fcn1dOptions } from './fcn1d.js';
export { ResNet1d, resnet1d, SeriesResidualBlock, RESNET1D_WIDTHS, RESNET1D_KERNELS, type SeriesBranch, type ResNet1dOptions } from './resnet1d.js';
export { lenet1d, lenet1dFeatureLength, DEFAULT_SERIES_LENGTH } from './lenet1d.js';
export { createModel, registerModel, modelNames, isModelName, defaultInputShape, modelInputKind, type InputKind, type ModelName, type ModelOf, type CreateModelOptions } from './registry.js';
export { countParameters, countComplexity, traceOutputShapes, registerMacs, type Complexity, type LayerComplexity, type MacFormula } from './complexity.js';
