/**
 * `ModelState`: the values a model runs with — its parameters (what training updates by gradient),
 * its layer state (batch-norm statistics, dropout keys: what the forward pass itself updates) and
 * which of them are frozen. Immutable, like Axon's `Axon.ModelState`.
 */
import * as nx from "@dendrite/tensor";

/** Tensors of one layer, by name: `{ kernel, bias }`. */
export type LayerTensors = { readonly [name: string]: nx.Tensor };

/** Tensors of a model, by layer name then tensor name: `{ dense_0: { kernel, bias } }`. */
export type ParameterTree = { readonly [layer: string]: LayerTensors };

/** Selects tensors to freeze or unfreeze (see `ModelState.freeze`). */
export type TensorSelector =
  readonly string[] | ((layer: string, name: string, tensor: nx.Tensor) => boolean);

/** Number of elements and bytes of the tensors of a tree. */
export function treeSize(tree: ParameterTree): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  for (const t of nx.treeLeaves(tree)) {
    count += t.size;
    bytes += t.size * nx.byteSize(t.dtype);
  }
  return { count, bytes };
}

/** Bytes as Axon's ModelState writes them: `60 B`, `2.12 KB`, `1.50 MB` (decimal units). */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(2)} ${units[unit]}`;
}

/** The key `"layer.name"` under which a tensor is frozen. */
function pathOf(layer: string, name: string): string {
  return `${layer}.${name}`;
}

/** Keeps the tensors of `tree` for which `keep(layer, name)` is true (layers left empty are dropped). */
function filterTree(
  tree: ParameterTree,
  keep: (layer: string, name: string) => boolean,
): ParameterTree {
  const out: Record<string, LayerTensors> = {};
  for (const [layer, tensors] of Object.entries(tree)) {
    const kept: Record<string, nx.Tensor> = {};
    for (const [name, t] of Object.entries(tensors)) if (keep(layer, name)) kept[name] = t;
    if (Object.keys(kept).length > 0) out[layer] = kept;
  }
  return out;
}

/**
 * `base` with the tensors of `update` put in place. Every tensor of `update` must exist in `base`
 * with the same shape and dtype; `what` words the error ("parameter", "state").
 */
export function mergeTree(base: ParameterTree, update: ParameterTree, what: string): ParameterTree {
  const out: Record<string, LayerTensors> = { ...base };
  for (const [layer, tensors] of Object.entries(update)) {
    const old = base[layer];
    if (!old) throw new Error(`ModelState: no layer "${layer}" holds ${what} tensors`);
    const merged: Record<string, nx.Tensor> = { ...old };
    for (const [name, t] of Object.entries(tensors)) {
      const prev = old[name];
      if (!prev) throw new Error(`ModelState: layer "${layer}" has no ${what} "${name}"`);
      if (!(t instanceof nx.Tensor))
        throw new TypeError(`ModelState: ${what} ${pathOf(layer, name)} is not a tensor`);
      if (t.dtype !== prev.dtype || t.shape.join() !== prev.shape.join()) {
        throw new Error(
          `ModelState: ${what} ${pathOf(layer, name)} is ${nx.formatType(prev.shape, prev.dtype)}, ` +
            `got ${nx.formatType(t.shape, t.dtype)}`,
        );
      }
      merged[name] = t;
    }
    out[layer] = merged;
  }
  return out;
}

/**
 * The parameters, layer state and frozen set of a model. Create one with `build(model).init(...)`.
 * Every method returns a new `ModelState`; none changes this one.
 *
 * Parameters and state are plain nested objects (`{ dense_0: { kernel, bias } }`), and the class
 * is a registered tree node: a `ModelState` itself passes through `nx.jit` and `nx.grad` (its
 * frozen set is static data), coming back as a `ModelState`.
 */
export class ModelState {
  /** Trainable-kind tensors by layer: what gradients update (kernels, biases, embeddings). */
  readonly parameters: ParameterTree;
  /** Layer state by layer: what the forward pass updates in train mode (batch-norm statistics, dropout keys). */
  readonly state: ParameterTree;
  /** Frozen tensors, as `"layer.name"` paths (of parameters or state). */
  readonly frozen: ReadonlySet<string>;

  constructor(
    parameters: ParameterTree = {},
    state: ParameterTree = {},
    frozen: Iterable<string> = [],
  ) {
    this.parameters = freezeTree(parameters);
    this.state = freezeTree(state);
    this.frozen = new Set(frozen);
    Object.freeze(this);
  }

  /** True when the tensor `layer.name` is frozen. */
  isFrozen(layer: string, name: string): boolean {
    return this.frozen.has(pathOf(layer, name));
  }

  /** The parameters that training updates (all parameters that are not frozen). */
  trainableParameters(): ParameterTree {
    return filterTree(this.parameters, (l, n) => !this.isFrozen(l, n));
  }

  /** The frozen parameters. */
  frozenParameters(): ParameterTree {
    return filterTree(this.parameters, (l, n) => this.isFrozen(l, n));
  }

  /** The layer state that the forward pass may update (the state that is not frozen). */
  trainableState(): ParameterTree {
    return filterTree(this.state, (l, n) => !this.isFrozen(l, n));
  }

  /**
   * A state with some parameters replaced (for example the updated trainable parameters after an
   * optimizer step). Shapes and dtypes must match.
   */
  withParameters(update: ParameterTree): ModelState {
    return new ModelState(mergeTree(this.parameters, update, "parameter"), this.state, this.frozen);
  }

  /**
   * A state with some layer state replaced (what a train-mode forward pass returns). Frozen state
   * keeps its value.
   */
  withState(update: ParameterTree): ModelState {
    const unfrozen = filterTree(update, (l, n) => !this.isFrozen(l, n));
    return new ModelState(this.parameters, mergeTree(this.state, unfrozen, "state"), this.frozen);
  }

  /**
   * Freezes tensors so training leaves them unchanged: all of them (no argument), those of the given
   * layers or `"layer.name"` paths, or those a predicate picks.
   */
  freeze(select?: TensorSelector): ModelState {
    const picked = this.select(select, "freeze");
    return new ModelState(this.parameters, this.state, [...this.frozen, ...picked]);
  }

  /** Unfreezes tensors (the same selectors as `freeze`; no argument unfreezes everything). */
  unfreeze(select?: TensorSelector): ModelState {
    const picked = new Set(this.select(select, "unfreeze"));
    return new ModelState(
      this.parameters,
      this.state,
      [...this.frozen].filter((p) => !picked.has(p)),
    );
  }

  private select(select: TensorSelector | undefined, op: string): string[] {
    const all: [string, string, nx.Tensor][] = [];
    for (const tree of [this.parameters, this.state])
      for (const [layer, tensors] of Object.entries(tree))
        for (const [name, t] of Object.entries(tensors)) all.push([layer, name, t]);
    if (select === undefined) return all.map(([l, n]) => pathOf(l, n));
    if (typeof select === "function")
      return all.filter(([l, n, t]) => select(l, n, t)).map(([l, n]) => pathOf(l, n));
    const out: string[] = [];
    for (const s of select) {
      const hits = all.filter(([l, n]) => l === s || pathOf(l, n) === s);
      if (hits.length === 0) {
        const layers = [...new Set(all.map(([l]) => l))];
        throw new Error(
          `ModelState.${op}: no layer or tensor named "${s}"; layers: ${layers.join(", ") || "(none)"}`,
        );
      }
      out.push(...hits.map(([l, n]) => pathOf(l, n)));
    }
    return out;
  }

  /** Size of all tensors (parameters and state), of the trainable parameters and of the trainable state. */
  summary(): {
    parameters: { count: number; bytes: number };
    trainableParameters: { count: number; bytes: number };
    trainableState: { count: number; bytes: number };
  } {
    const all = treeSize(this.parameters);
    const st = treeSize(this.state);
    return {
      parameters: { count: all.count + st.count, bytes: all.bytes + st.bytes },
      trainableParameters: treeSize(this.trainableParameters()),
      trainableState: treeSize(this.trainableState()),
    };
  }

  /** `ModelState<Parameters: 15 (60 B), Trainable Parameters: 15 (60 B), Trainable State: 0 (0 B)>`, as Axon prints it. */
  toString(): string {
    const s = this.summary();
    const part = (label: string, x: { count: number; bytes: number }) =>
      `${label}: ${x.count} (${formatBytes(x.bytes)})`;
    return (
      `ModelState<${part("Parameters", s.parameters)}, ` +
      `${part("Trainable Parameters", s.trainableParameters)}, ` +
      `${part("Trainable State", s.trainableState)}>`
    );
  }

  /** Used by `console.log` and `util.inspect` in Node.js. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

nx.registerTreeNode(ModelState, {
  flatten: (m) => ({ children: { parameters: m.parameters, state: m.state }, aux: [...m.frozen] }),
  unflatten: ({ parameters, state }, frozen) => new ModelState(parameters, state, frozen),
});

function freezeTree(tree: ParameterTree): ParameterTree {
  const out: Record<string, LayerTensors> = {};
  for (const [layer, tensors] of Object.entries(tree)) {
    for (const [name, t] of Object.entries(tensors)) {
      if (!(t instanceof nx.Tensor))
        throw new TypeError(`ModelState: ${pathOf(layer, name)} is not a tensor`);
    }
    out[layer] = Object.freeze({ ...tensors });
  }
  return Object.freeze(out);
}
