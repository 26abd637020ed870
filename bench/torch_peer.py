"""PyTorch peer of Dendrite's W3, W5 and M1 benchmarks; bench/torch-peer.ts starts it.

One long-lived process: each line on stdin is a JSON request, each answer one JSON line on
stdout, so the benchmark can interleave its rounds with Dendrite's. Tensors come from raw
little-endian files the benchmark writes (f32, or i32 for labels), so both sides start from the
same numbers. Requests ("op"):

  hello                          versions, the BLAS library in use, the default thread count
  load name path dtype shape     reads a file into the tensor called `name`
  mlp / cnn  threads batch steps trains from the loaded initial weights for `steps` batches of
                                 rows 0, batch, 2*batch, ... (fresh model and Adam each call)
  eval  model threads batch steps rows
                                 the mean cross-entropy over the first `rows` rows before and
                                 after such a run (for the agreement check; never timed)
  matmul  n threads seconds      a @ b of the loaded "a<n>" and "b<n>", repeated until `seconds`
                                 have passed; returns the count, the time and a few entries of C

`threads` sets torch's intra-op threads and, where torch calls OpenBLAS (Debian's build does
for matmul), OpenBLAS' own thread count, which torch.set_num_threads leaves alone.
"""

import ctypes
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

TENSORS = {}


def loaded_blas():
    """The path of the BLAS shared library torch loaded (from /proc/self/maps), or None."""
    with open("/proc/self/maps", encoding="utf8") as maps:
        for line in maps:
            path = line.split()[-1]
            if "blas" in path.rsplit("/", 1)[-1] and path.endswith((".so", ".so.0", ".so.3")):
                return path
    return None


BLAS = loaded_blas()
OPENBLAS = None
if BLAS is not None:
    lib = ctypes.CDLL(BLAS)
    if hasattr(lib, "openblas_set_num_threads"):
        OPENBLAS = lib


def set_threads(n):
    torch.set_num_threads(n)
    if OPENBLAS is not None:
        OPENBLAS.openblas_set_num_threads(n)


def load(req):
    dtype = {"f32": np.float32, "i32": np.int32}[req["dtype"]]
    array = np.fromfile(req["path"], dtype=dtype).reshape(req["shape"])
    tensor = torch.from_numpy(array)
    TENSORS[req["name"]] = tensor.long() if req["dtype"] == "i32" else tensor
    return {"name": req["name"], "shape": list(array.shape)}


def mlp_model():
    """784 -> 128 relu -> 10 with the loaded weights (Dendrite's kernels are [in, out])."""
    fc1 = torch.nn.Linear(784, 128)
    fc2 = torch.nn.Linear(128, 10)
    with torch.no_grad():
        fc1.weight.copy_(TENSORS["w1"].t())
        fc1.bias.copy_(TENSORS["b1"])
        fc2.weight.copy_(TENSORS["w2"].t())
        fc2.bias.copy_(TENSORS["b2"])
    model = torch.nn.Sequential(fc1, torch.nn.ReLU(), fc2)
    return model, lambda x: x


class Cnn(torch.nn.Module):
    """conv 3x3x32 (valid) relu -> max pool 2 -> flatten -> dense 10, in NCHW."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 32, 3)
        self.fc = torch.nn.Linear(13 * 13 * 32, 10)

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.conv(x)), 2)
        return self.fc(torch.flatten(h, 1))


def cnn_model():
    """The CNN with the loaded weights: Dendrite's kernel is [3, 3, 1, 32] (HWIO) and its dense
    layer reads the pooled map flattened as (h, w, c); torch wants OIHW and (c, h, w)."""
    model = Cnn()
    with torch.no_grad():
        model.conv.weight.copy_(TENSORS["k"].permute(3, 2, 0, 1))
        model.conv.bias.copy_(TENSORS["kb"])
        dense = TENSORS["w"].reshape(13, 13, 32, 10).permute(3, 2, 0, 1).reshape(10, -1)
        model.fc.weight.copy_(dense)
        model.fc.bias.copy_(TENSORS["wb"])
    return model, lambda x: x.view(-1, 1, 28, 28)


MODELS = {"mlp": mlp_model, "cnn": cnn_model}


def train(kind, batch, steps):
    """Adam (lr 1e-3, torch's defaults otherwise, as Polaris') over `steps` batches in order."""
    model, shape = MODELS[kind]()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    x, y = TENSORS["x"], TENSORS["y"]
    started = time.perf_counter()
    for i in range(steps):
        xb = shape(x[i * batch : (i + 1) * batch])
        yb = y[i * batch : (i + 1) * batch]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
    return model, shape, time.perf_counter() - started


def mean_loss(model, shape, rows):
    with torch.no_grad():
        logits = model(shape(TENSORS["x"][:rows]))
        return float(F.cross_entropy(logits, TENSORS["y"][:rows]))


def run_training(req):
    set_threads(req["threads"])
    _, _, seconds = train(req["op"], req["batch"], req["steps"])
    return {"seconds": seconds}


def evaluate(req):
    set_threads(req["threads"])
    model, shape = MODELS[req["model"]]()
    before = mean_loss(model, shape, req["rows"])
    model, shape, _ = train(req["model"], req["batch"], req["steps"])
    return {"before": before, "after": mean_loss(model, shape, req["rows"])}


def matmul(req):
    set_threads(req["threads"])
    n = req["n"]
    a, b = TENSORS[f"a{n}"], TENSORS[f"b{n}"]
    count = 0
    started = time.perf_counter()
    while True:
        c = a @ b
        count += 1
        seconds = time.perf_counter() - started
        if seconds >= req["seconds"]:
            break
    probe = [float(c[i, (7 * i) % n]) for i in range(0, n, max(1, n // 16))]
    return {"count": count, "seconds": seconds, "probe": probe}


def hello(_req):
    return {
        "torch": torch.__version__,
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "numpy": np.__version__,
        "blas": BLAS,
        "openblas": OPENBLAS is not None,
        "threads": torch.get_num_threads(),
    }


HANDLERS = {
    "hello": hello,
    "load": load,
    "mlp": run_training,
    "cnn": run_training,
    "eval": evaluate,
    "matmul": matmul,
}


def main():
    for line in sys.stdin:
        req = json.loads(line)
        try:
            answer = {"ok": HANDLERS[req["op"]](req)}
        except Exception as err:  # the benchmark reports it and goes on without this peer row
            answer = {"error": f"{type(err).__name__}: {err}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
