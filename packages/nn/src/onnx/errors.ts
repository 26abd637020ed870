/** The error type of the ONNX importer: every message names the node or tensor at fault. */

/** An error importing an ONNX model. `staticInputs` lists graph inputs whose values are needed. */
export class OnnxImportError extends Error {
  /**
   * Graph inputs that must be known at import (a Reshape's shape fed as an input, say): pass their
   * values in `importModel`'s `constants` option.
   */
  readonly staticInputs: readonly string[];
  /** Op types without a mapping, when that is the reason (one entry per op type). */
  readonly unsupported: readonly string[];

  constructor(
    message: string,
    details: { staticInputs?: readonly string[]; unsupported?: readonly string[] } = {},
  ) {
    super(`onnx.importModel: ${message}`);
    this.name = "OnnxImportError";
    this.staticInputs = details.staticInputs ?? [];
    this.unsupported = details.unsupported ?? [];
  }
}

/** A problem with one node: the message is prefixed with the node's name and op type. */
export class NodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NodeError";
  }
}
