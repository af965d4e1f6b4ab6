"""PyTorch CPU peer for `lectern bench`.

Run by bench/peers.ts with Debian's python3-torch (/usr/bin/python3). Reads a
JSON request on stdin ({"workloads": [...], "threads": N, "minSampleMs": T,
"samples": S}) and prints one JSON object: {workload: {"times": [ms...]}} or
{"error": "..."} per workload. Threads are pinned by the caller through
OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / OMP_WAIT_POLICY=PASSIVE (Debian's
torch uses OpenBLAS, which ignores torch.set_num_threads alone).
"""
import json
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def sgemm(n):
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    return lambda: torch.mm(a, b)


def conv_fwd():
    x = torch.randn(32, 64, 56, 56)
    w = torch.randn(64, 64, 3, 3)
    return lambda: F.conv2d(x, w, padding=1)


def conv_bwd():
    x = torch.randn(32, 64, 56, 56, requires_grad=True)
    w = torch.randn(64, 64, 3, 3, requires_grad=True)
    y = F.conv2d(x, w, padding=1)
    g = torch.randn_like(y)

    def step():
        torch.autograd.grad(y, [x, w], g, retain_graph=True)

    return step


def train_step(model, x, y):
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    return step


def mlp_step():
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    return train_step(model, torch.randn(128, 1, 28, 28), torch.randint(0, 10, (128,)))


def lenet_step():
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )
    return train_step(model, torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,)))


class BasicBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + x)


def resblock_step():
    block = BasicBlock(64)
    x = torch.randn(32, 64, 32, 32)

    def step():
        block.zero_grad()
        block(x).sum().backward()

    return step


def lstm_step():
    lstm = nn.LSTM(64, 128)
    x = torch.randn(50, 32, 64)

    def step():
        lstm.zero_grad()
        out, _ = lstm(x)
        out.sum().backward()

    return step


N16M = 16 * 1024 * 1024


def softmax_bw():
    x = torch.randn(N16M // 1024, 1024)
    return lambda: torch.softmax(x, dim=1)


def layernorm_bw():
    x = torch.randn(N16M // 1024, 1024)
    return lambda: F.layer_norm(x, (1024,))


def add_bw():
    a = torch.randn(N16M)
    b = torch.randn(N16M)
    return lambda: a + b


WORKLOADS = {
    "sgemm-256": lambda: sgemm(256),
    "sgemm-512": lambda: sgemm(512),
    "sgemm-1024": lambda: sgemm(1024),
    "sgemm-2048": lambda: sgemm(2048),
    "conv2d-fwd": conv_fwd,
    "conv2d-bwd": conv_bwd,
    "mlp-step": mlp_step,
    "lenet-step": lenet_step,
    "resblock-step": resblock_step,
    "lstm-step": lstm_step,
    "softmax-16M": softmax_bw,
    "layernorm-16M": layernorm_bw,
    "add-16M": add_bw,
}


def measure(fn, samples, min_sample_ms, budget_ms, clock="wall"):
    # "cpu": the process's CPU time over all threads (see PeerRequest.clock)
    now = time.process_time if clock == "cpu" else time.perf_counter
    fn()  # warm-up (allocator, oneDNN primitive creation)
    start = now()
    fn()
    once = max((now() - start) * 1000, 1e-3)
    reps = max(1, int(min_sample_ms / once))
    samples = max(1, min(samples, int(budget_ms / (once * reps))))
    times = []
    for _ in range(samples):
        start = now()
        for _ in range(reps):
            fn()
        times.append((now() - start) * 1000 / reps)
    return times


def high_water_mb(setup, steps=20):
    """Peak RSS growth over `steps` calls, in MB (see timing.ts highWaterMB)."""
    with open("/proc/self/statm") as f:
        before = int(f.read().split()[1]) * resource.getpagesize()
    fn = setup()
    for _ in range(steps):
        fn()
    return max(0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before) / 2**20


def main():
    req = json.load(sys.stdin)
    torch.set_num_threads(req["threads"])
    torch.manual_seed(0)
    out = {"version": torch.__version__, "threads": torch.get_num_threads(), "results": {}}
    for name in req["workloads"]:
        memory = name.endswith("-memory")
        if memory and name[: -len("-memory")] in WORKLOADS:
            out["results"][name] = {"times": [high_water_mb(WORKLOADS[name[: -len("-memory")]])]}
            continue
        if name not in WORKLOADS:
            out["results"][name] = {"error": "no PyTorch version of this workload"}
            continue
        try:
            fn = WORKLOADS[name]()
            out["results"][name] = {"times": measure(
                fn, req["samples"], req["minSampleMs"], req["budgetMs"], req.get("clock", "wall"))}
        except Exception as exc:  # report, keep measuring the rest
            out["results"][name] = {"error": f"{type(exc).__name__}: {exc}"}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
