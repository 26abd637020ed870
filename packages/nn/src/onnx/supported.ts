/** The list of mapped op types. */
import { OPS } from "./context.js";
import "./importer.js";

/** The ONNX op types (default domain) that `importModel` maps, sorted. */
export function supportedOps(): string[] {
  return [...OPS.keys()].sort();
}
