/**
 * ONNX (AxonOnnx and beyond): `exportModel` / `save` write a model and its state as an ONNX
 * ModelProto; `importModel` reads an ONNX model into a Dendrite model and its parameters. Built on
 * `onnx-proto` (protobufjs code generated from ONNX's `onnx.proto`).
 */
export { exportModel, save, type ExportOptions } from "./export.js";
export { importModel, type ImportOptions, type ImportedModel } from "./importer.js";
export { OnnxImportError } from "./errors.js";
export { decodeTensorProto, protos } from "./proto.js";
export { tensorFromProto, dtypeOf, onnxTypeName } from "./tensors.js";
/** The ONNX op types `importModel` maps (default domain). */
export { supportedOps } from "./supported.js";
