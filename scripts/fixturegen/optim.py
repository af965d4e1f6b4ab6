"""PyTorch oracle trajectories for lectern's optimizers, LR schedulers and
gradient clipping.

Writes test/fixtures/optim/{optimizers,schedulers,clipping}.json. Each case
runs a fixed problem (Rosenbrock, an ill-conditioned quadratic, a small
linear regression) for N steps of `opt.zero_grad(); loss.backward();
opt.step(); sched.step()` and records the loss before every step, the
parameters after every step and, for schedulers, every param group's lr
(and momentum / beta1) after every `sched.step()` as `perStep`.

Options are written under lectern's camelCase names so a test passes them
straight to the constructor (`new optim.Adam(params, options)`). Problem data
and initial parameters are float32-representable; PyTorch runs in float64 so
a test's tolerance measures only lectern's (float32) error.

Run on its own with `/usr/bin/python3 scripts/fixturegen/optim.py`, or
through `scripts/fixtures.py`, which calls `generate(out_dir)`.
"""

import json
import os
import warnings

import torch

AREA = "optim"


def f32(values):
    return torch.tensor(values, dtype=torch.float32).double()


def num(v):
    return float("%.9g" % v)


# The problems. The JavaScript test computes the same gradients analytically.
PROBLEMS = {
    # Rosenbrock's banana valley, minimum at (1, 1).
    "rosenbrock": {"init": [[-1.5, 2.0]]},
    # 0.5 p^T A p - b^T p with A's eigenvalues 1 and 50 along the diagonals.
    "quadratic": {"init": [[1.5, -0.5]], "A": [[25.5, 24.5], [24.5, 25.5]], "b": [1.0, -1.0]},
    # mean((X W + bias - Y)^2) with W [3, 2] and bias [2]: two parameters.
    "linreg": {
        "init": [[0.1, -0.2, 0.3, 0.0, -0.1, 0.2], [0.05, -0.05]],
        "X": [[0.5, -1.0, 0.25], [1.5, 0.5, -0.5], [-0.75, 0.25, 1.0],
              [0.0, 1.25, -1.5], [1.0, 1.0, 1.0], [-1.25, -0.5, 0.75]],
        "Y": [[1.0, -0.5], [0.25, 1.5], [-1.0, 0.75], [0.5, 0.0], [2.0, -1.0], [-0.5, 0.25]],
    },
}

SHAPES = {"rosenbrock": [[2]], "quadratic": [[2]], "linreg": [[3, 2], [2]]}


def make_params(problem):
    return [f32(v).reshape(shape).requires_grad_(True)
            for v, shape in zip(PROBLEMS[problem]["init"], SHAPES[problem])]


def loss_fn(problem, params):
    p = PROBLEMS[problem]
    if problem == "rosenbrock":
        x, y = params[0][0], params[0][1]
        return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2
    if problem == "quadratic":
        A, b, q = f32(p["A"]), f32(p["b"]), params[0]
        return 0.5 * q @ A @ q - b @ q
    X, Y = f32(p["X"]), f32(p["Y"])
    return ((X @ params[0] + params[1] - Y) ** 2).mean()


TORCH_NAMES = {
    "weightDecay": "weight_decay", "lrDecay": "lr_decay",
    "initialAccumulatorValue": "initial_accumulator_value",
    "stepSize": "step_size", "TMax": "T_max", "etaMin": "eta_min",
    "startFactor": "start_factor", "endFactor": "end_factor", "totalIters": "total_iters",
    "maxLr": "max_lr", "totalSteps": "total_steps", "pctStart": "pct_start",
    "annealStrategy": "anneal_strategy", "cycleMomentum": "cycle_momentum",
    "baseMomentum": "base_momentum", "maxMomentum": "max_momentum",
    "divFactor": "div_factor", "finalDivFactor": "final_div_factor", "threePhase": "three_phase",
    "thresholdMode": "threshold_mode", "minLr": "min_lr",
}


def torch_kwargs(options):
    return {TORCH_NAMES.get(k, k): (tuple(v) if k == "betas" else v) for k, v in options.items()}


def build_optimizer(name, params, options, groups):
    cls = getattr(torch.optim, name)
    if groups is None:
        return cls(params, **torch_kwargs(options))
    return cls([dict(torch_kwargs({k: v for k, v in g.items() if k != "params"}),
                     params=[params[i] for i in g["params"]]) for g in groups],
               **torch_kwargs(options))


def group_state(opt):
    out = []
    for g in opt.param_groups:
        s = {"lr": num(g["lr"])}
        if "momentum" in g:
            s["momentum"] = num(g["momentum"])
        if "betas" in g:
            s["beta1"] = num(g["betas"][0])
        out.append(s)
    return out


def run(problem, optimizer, options, steps, groups=None, scheduler=None, metrics=None):
    params = make_params(problem)
    opt = build_optimizer(optimizer, params, options, groups)
    sched = None
    if scheduler is not None:
        sched = make_scheduler(opt, scheduler)
    losses, trajectory, lrs = [], [], []
    for step in range(steps):
        opt.zero_grad()
        loss = loss_fn(problem, params)
        loss.backward()
        opt.step()
        losses.append(num(loss.item()))
        trajectory.append([[num(v) for v in p.detach().reshape(-1).tolist()] for p in params])
        if sched is not None:
            if metrics is not None:
                sched.step(metrics[step])
            else:
                sched.step()
            lrs.append(group_state(opt))
    out = {"losses": losses, "trajectory": trajectory}
    if sched is not None:
        out["perStep"] = lrs
    return out


def make_scheduler(opt, spec):
    name, options = spec["name"], spec.get("options", {})
    S = torch.optim.lr_scheduler
    if name == "SequentialLR":
        inner = [make_scheduler(opt, s) for s in spec["schedulers"]]
        return S.SequentialLR(opt, inner, milestones=options["milestones"])
    return getattr(S, name)(opt, **torch_kwargs(options))


OPTIMIZER_CASES = [
    ("SGD", {"lr": 1e-3}, "rosenbrock"),
    ("SGD", {"lr": 0.01, "momentum": 0.9}, "quadratic"),
    ("SGD", {"lr": 0.01, "momentum": 0.9, "dampening": 0.1}, "quadratic"),
    ("SGD", {"lr": 0.01, "momentum": 0.9, "nesterov": True}, "quadratic"),
    ("SGD", {"lr": 0.05, "weightDecay": 0.1}, "linreg"),
    ("SGD", {"lr": 1e-3, "momentum": 0.5, "maximize": True}, "quadratic"),
    ("Adagrad", {}, "quadratic"),
    ("Adagrad", {"lr": 0.1, "lrDecay": 0.01, "weightDecay": 0.01, "initialAccumulatorValue": 0.1}, "rosenbrock"),
    ("Adagrad", {"lr": 0.1, "maximize": True}, "linreg"),
    ("RMSprop", {"lr": 0.01}, "quadratic"),
    ("RMSprop", {"lr": 1e-3, "centered": True}, "rosenbrock"),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True, "weightDecay": 0.01}, "linreg"),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-6, "momentum": 0.5}, "quadratic"),
    ("Adadelta", {}, "quadratic"),
    ("Adadelta", {"lr": 0.5, "rho": 0.95, "eps": 1e-5, "weightDecay": 0.01}, "rosenbrock"),
    ("Adam", {"lr": 0.01}, "rosenbrock"),
    ("Adam", {"lr": 0.05, "betas": [0.8, 0.99], "weightDecay": 0.1}, "linreg"),
    ("Adam", {"lr": 0.01, "amsgrad": True}, "quadratic"),
    ("Adam", {"lr": 0.01, "eps": 1e-3, "maximize": True}, "quadratic"),
    ("AdamW", {"lr": 0.01}, "linreg"),
    ("AdamW", {"lr": 0.01, "weightDecay": 0.1, "amsgrad": True}, "rosenbrock"),
]

GROUP_CASES = [
    ("SGD", {"lr": 0.01, "momentum": 0.9},
     [{"params": [0], "lr": 0.1}, {"params": [1], "momentum": 0.5, "nesterov": True}], "linreg"),
    ("Adam", {"lr": 0.01},
     [{"params": [0]}, {"params": [1], "lr": 0.1, "betas": [0.5, 0.9], "weightDecay": 0.01}], "linreg"),
]

# The optimisation lecture's comparison: long runs on the classic surfaces.
# Each run is numerically stable: float32 and float64 PyTorch agree to ~1e-6
# (RMSprop at lr 0.01 on Rosenbrock does not: its float32 and float64 runs
# part ways after ~150 steps, so no implementation could match it).
CURVE_CASES = [
    ("SGD", {"lr": 1e-3}, "rosenbrock"),
    ("SGD", {"lr": 1e-3, "momentum": 0.9}, "rosenbrock"),
    ("SGD", {"lr": 1e-3, "momentum": 0.9, "nesterov": True}, "rosenbrock"),
    ("Adagrad", {"lr": 0.5}, "rosenbrock"),
    ("RMSprop", {"lr": 0.003}, "rosenbrock"),
    ("Adam", {"lr": 0.05}, "rosenbrock"),
    ("SGD", {"lr": 0.035}, "quadratic"),
    ("SGD", {"lr": 0.02, "momentum": 0.8}, "quadratic"),
    ("Adam", {"lr": 0.1}, "quadratic"),
]

PLATEAU_METRICS = [1.0, 0.9, 0.85, 0.85, 0.86, 0.849, 0.85, 0.84, 0.84, 0.84, 0.84, 0.83, 0.835,
                   0.84, 0.84, 0.84, 0.84, 0.84, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.4999,
                   0.5, 0.5, 0.5]

SGD_MOMENTUM = ("SGD", {"lr": 0.1, "momentum": 0.9})
SCHEDULER_CASES = [
    ({"name": "StepLR", "options": {"stepSize": 5, "gamma": 0.5}}, SGD_MOMENTUM, None),
    ({"name": "MultiStepLR", "options": {"milestones": [3, 7, 7, 12], "gamma": 0.3}}, SGD_MOMENTUM, None),
    ({"name": "ExponentialLR", "options": {"gamma": 0.9}}, SGD_MOMENTUM, None),
    ({"name": "CosineAnnealingLR", "options": {"TMax": 10, "etaMin": 0.001}}, SGD_MOMENTUM, None),
    ({"name": "LinearLR", "options": {}}, SGD_MOMENTUM, None),
    ({"name": "LinearLR", "options": {"startFactor": 0.25, "endFactor": 0.75, "totalIters": 8}},
     ("Adam", {"lr": 0.05}), None),
    ({"name": "OneCycleLR", "options": {"maxLr": 0.5, "totalSteps": 30}}, ("SGD", {"lr": 0.1, "momentum": 0.9}), None),
    ({"name": "OneCycleLR", "options": {"maxLr": 0.05, "totalSteps": 30, "annealStrategy": "linear",
                                        "threePhase": True, "pctStart": 0.25}},
     ("Adam", {"lr": 0.01}), None),
    ({"name": "SequentialLR", "options": {"milestones": [5]},
      "schedulers": [{"name": "LinearLR", "options": {"startFactor": 0.1, "totalIters": 5}},
                     {"name": "CosineAnnealingLR", "options": {"TMax": 25}}]}, SGD_MOMENTUM, None),
    ({"name": "ReduceLROnPlateau", "options": {"patience": 2}}, SGD_MOMENTUM, PLATEAU_METRICS),
    ({"name": "ReduceLROnPlateau", "options": {"mode": "max", "factor": 0.5, "patience": 1, "threshold": 0.01,
                                               "thresholdMode": "abs", "cooldown": 2, "minLr": 0.02}},
     SGD_MOMENTUM, [-m for m in PLATEAU_METRICS]),
]

SCHEDULER_GROUP_CASE = (
    {"name": "StepLR", "options": {"stepSize": 4, "gamma": 0.1}},
    ("SGD", {"lr": 0.05, "momentum": 0.9}), [{"params": [0]}, {"params": [1], "lr": 0.2}])


def optimizer_fixtures():
    cases = []
    for name, options, problem in OPTIMIZER_CASES:
        cases.append({"optimizer": name, "options": options, "problem": problem, "steps": 25,
                      **run(problem, name, options, 25)})
    for name, options, groups, problem in GROUP_CASES:
        cases.append({"optimizer": name, "options": options, "groups": groups, "problem": problem,
                      "steps": 25, **run(problem, name, options, 25, groups=groups)})
    curves = []
    for name, options, problem in CURVE_CASES:
        curves.append({"optimizer": name, "options": options, "problem": problem, "steps": 200,
                       **run(problem, name, options, 200)})
    return {"problems": PROBLEMS, "cases": cases, "curves": curves}


def scheduler_fixtures():
    cases = []
    for spec, (name, options), metrics in SCHEDULER_CASES:
        cases.append({"scheduler": spec, "optimizer": name, "options": options, "problem": "quadratic",
                      "steps": 30, "metrics": metrics,
                      **run("quadratic", name, options, 30, scheduler=spec, metrics=metrics)})
    spec, (name, options), groups = SCHEDULER_GROUP_CASE
    cases.append({"scheduler": spec, "optimizer": name, "options": options, "groups": groups,
                  "problem": "linreg", "steps": 12, "metrics": None,
                  **run("linreg", name, options, 12, groups=groups, scheduler=spec)})
    return {"problems": PROBLEMS, "cases": cases}


def clipping_fixtures():
    gen = torch.Generator().manual_seed(7)
    grads = [f32((torch.randn(3, 4, generator=gen) * 2).float().tolist()),
             f32(torch.randn(5, generator=gen).float().tolist())]
    cases = []
    for max_norm, norm_type in [(1.0, 2.0), (100.0, 2.0), (0.5, 1.0), (0.3, "inf"), (2.0, 3.0)]:
        params = [torch.zeros_like(g).requires_grad_(True) for g in grads]
        for p, g in zip(params, grads):
            p.grad = g.clone()
        nt = float("inf") if norm_type == "inf" else norm_type
        total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=nt)
        cases.append({"kind": "norm", "maxNorm": max_norm, "normType": norm_type,
                      "totalNorm": num(total.item()),
                      "clipped": [[num(v) for v in p.grad.reshape(-1).tolist()] for p in params]})
    for clip_value in [0.5, 2.0]:
        params = [torch.zeros_like(g).requires_grad_(True) for g in grads]
        for p, g in zip(params, grads):
            p.grad = g.clone()
        torch.nn.utils.clip_grad_value_(params, clip_value)
        cases.append({"kind": "value", "clipValue": clip_value,
                      "clipped": [[num(v) for v in p.grad.reshape(-1).tolist()] for p in params]})
    return {"grads": [{"shape": list(g.shape), "data": [num(v) for v in g.reshape(-1).tolist()]}
                      for g in grads], "cases": cases}


def generate(out_dir):
    """Writes optimizers.json, schedulers.json and clipping.json under `out_dir/optim/`."""
    torch.set_default_dtype(torch.float64)
    # SequentialLR steps its second scheduler with an explicit epoch, as PyTorch itself does.
    warnings.filterwarnings("ignore", message="The epoch parameter")
    try:
        target = os.path.join(out_dir, AREA)
        os.makedirs(target, exist_ok=True)
        for family, make in [("optimizers", optimizer_fixtures), ("schedulers", scheduler_fixtures),
                             ("clipping", clipping_fixtures)]:
            with open(os.path.join(target, family + ".json"), "w") as f:
                json.dump({"generator": "scripts/fixturegen/optim.py", "torch": torch.__version__,
                           **make()}, f, separators=(",", ":"))
                f.write("\n")
    finally:
        torch.set_default_dtype(torch.float32)


if __name__ == "__main__":
    generate(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures"))
