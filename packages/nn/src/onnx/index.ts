/**
 * ONNX: `importModel` reads an ONNX model into a Dendrite model and its parameters (export comes
 * later). Built on `onnx-proto` (protobufjs code generated from ONNX's `onnx.proto`).
 */
export { importModel, type ImportOptions, type ImportedModel } from "./importer.js";
export { OnnxImportError } from "./errors.js";
export { decodeTensorProto, protos } from "./proto.js";
export { tensorFromProto, dtypeOf, onnxTypeName } from "./tensors.js";
/** The ONNX op types `importModel` maps (default domain). */
export { supportedOps } from "./supported.js";
