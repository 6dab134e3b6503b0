// The model zoo (MLP, LeNet, VGG, CIFAR and ImageNet ResNets) and complexity counting.
export { type ModelOptions, heInitConvs } from './common.js';
export { mlp, lenet300 } from './mlp.js';
export { lenet5 } from './lenet.js';
export { VGG, vgg11, vgg16, type VggName } from './vgg.js';
export { CifarResNet, cifarResNet, CIFAR_RESNET_DEPTHS, type CifarResNetDepth } from './resnet-cifar.js';
export { ResNet, resnet18, resnet34, resnet50, type ImageNetResNetName } from './resnet-imagenet.js';
export { createModel, registerModel, modelNames, isModelName, defaultInputShape, type ModelName, type ModelOf, type CreateModelOptions } from './registry.js';
export { countParameters, countComplexity, traceOutputShapes, registerMacs, type Complexity, type LayerComplexity, type MacFormula } from './complexity.js';
