// Deploying a trained network: ONNX, TF.js layers and safetensors exports of the pruned model.
export { exportRun, exportNetwork, exportGraph, EXPORT_FORMATS, EXPORT_LAYOUT, EXPORT_NORMALIZATION, isExportFormat, type ExportFormat, type ExportOptions, type ExportResult } from './export-run.js';
export { contractFor, contractMetadata, inputDescription, classNamesFor, INPUT_NAME, OUTPUT_NAME, type ExportContract, type ContractSource, type NormalizationPlace } from './contract.js';
export { irFromModule, type InputNormalization } from './from-trace.js';
export { foldBatchNorms } from './fold.js';
export { UnsupportedExportError, type IrGraph, type IrNode, type IrValue, type ConstTensor } from './ir.js';
export { writeOnnx, ONNX_OPSET, type OnnxExportOptions } from './onnx.js';
export { writeTfjs, TFJS_WEIGHTS_FILE, type TfjsModel, type TfjsModelJson, type TfjsExportOptions } from './tfjs.js';
export { encodeStateDict } from './safetensors.js';
export { ExportOutputError, writeFileWhole } from './files.js';
export { pixelBatch, signalBatch, catrainLogits, maxAbsDifference, type PixelBatch, type InputBatch } from './verify.js';
