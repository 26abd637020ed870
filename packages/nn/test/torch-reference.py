"""Generates the PyTorch reference trajectories used by optimizers-torch.test.ts.

Run with Debian's PyTorch (python3-torch 1.13.1): /usr/bin/python3 torch-reference.py
The problem is the one of optimizers.test.ts: parameters w (2x2) and b (3) in f64, loss
sum(a * (p - c)**4 / 4 + a * (p - c)**2), six steps. Prints JSON: optimizer -> list of flat
parameter values after each step.
"""
import json
import torch

torch.set_default_dtype(torch.float64)
INIT_W = [[0.5, -1.5], [2.0, 0.25]]
INIT_B = [0.3, -0.8, 1.1]
A = torch.tensor([0.7, 1.3, 0.4, 2.1, 0.9, 1.7, 0.5])
C = torch.tensor([0.1, -0.3, 0.8, 0.0, -0.6, 0.2, 0.4])

CASES = {
    "adam": lambda ps: torch.optim.Adam(ps, lr=1e-3, betas=(0.9, 0.999), eps=1e-8),
    "adamw": lambda ps: torch.optim.AdamW(ps, lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01),
    "sgd_nesterov": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8, nesterov=True),
    "rmsprop": lambda ps: torch.optim.RMSprop(ps, lr=1e-2, alpha=0.9, eps=1e-8),
    "rmsprop_centered": lambda ps: torch.optim.RMSprop(ps, lr=1e-2, alpha=0.9, eps=1e-8, centered=True),
    "rmsprop_eps0": lambda ps: torch.optim.RMSprop(ps, lr=1e-2, alpha=0.9, eps=0.0),
    "rmsprop_centered_eps0": lambda ps: torch.optim.RMSprop(ps, lr=1e-2, alpha=0.9, eps=0.0, centered=True),
    "rmsprop_momentum_eps0": lambda ps: torch.optim.RMSprop(ps, lr=1e-2, alpha=0.9, eps=0.0, momentum=0.9),
    "adagrad": lambda ps: torch.optim.Adagrad(ps, lr=1e-3, initial_accumulator_value=0.1, eps=1e-7),
    "radam": lambda ps: torch.optim.RAdam(ps, lr=1e-3, betas=(0.9, 0.999), eps=1e-8),
}
STEPS = {"radam": 10}

out = {}
for name, make in CASES.items():
    w = torch.tensor(INIT_W, requires_grad=True)
    b = torch.tensor(INIT_B, requires_grad=True)
    opt = make([w, b])
    traj = []
    for _ in range(STEPS.get(name, 6)):
        opt.zero_grad()
        p = torch.cat([w.flatten(), b])
        loss = torch.sum(A * (p - C) ** 4 / 4 + A * (p - C) ** 2)
        loss.backward()
        opt.step()
        traj.append(torch.cat([w.flatten(), b]).tolist())
    out[name] = traj
print(json.dumps({"torch": torch.__version__, "trajectories": out}))
