/** ONNX (AxonOnnx): `exportModel` / `save` write a model and its state as an ONNX ModelProto. */
export { exportModel, save, type ExportOptions } from "./export.js";
