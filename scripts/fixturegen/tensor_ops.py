"""PyTorch oracle values for lectern's tensor engine (tensor/ops).

Writes test/fixtures/tensor/<family>.json. Every case names an op of the
table in test/tensor/fixtures.test.ts, its arguments, its inputs, its
outputs, a random upstream gradient for each floating output, and the
gradient of every floating input (PyTorch's backward of
sum(out_i * up_i)). Inputs may be non-contiguous: `view` is applied to the
stored base tensor on both sides (a transpose, a strided slice, an
expand), and gradients are those of the base.

Inputs are rounded to 3 decimals so float32 parsing in JavaScript gives
exactly the tensor PyTorch saw; references are computed in float64 from
those values, so a tolerance measures only lectern's float32 error.

Run with `/usr/bin/python3 scripts/fixtures.py tensor_ops`.
"""

import json
import math
import os

import torch
import torch.nn.functional as F

AREA = "tensor"


def enc(t):
    t = t.detach()
    if t.dtype == torch.bool:
        return {"shape": list(t.shape), "dtype": "bool", "data": [int(v) for v in t.reshape(-1).tolist()]}
    if not t.is_floating_point():
        return {"shape": list(t.shape), "dtype": "int32", "data": [int(v) for v in t.reshape(-1).tolist()]}
    # JSON has no NaN/Infinity: they are written as null and "inf"/"-inf".
    data = []
    for v in t.reshape(-1).tolist():
        if math.isnan(v):
            data.append(None)
        elif math.isinf(v):
            data.append("inf" if v > 0 else "-inf")
        else:
            data.append(float("%.8g" % v))
    return {"shape": list(t.shape), "dtype": "float32", "data": data}


class Gen:
    def __init__(self, seed):
        self.g = torch.Generator().manual_seed(seed)

    def randn(self, shape, scale=1.0, shift=0.0):
        x = torch.randn(tuple(shape), generator=self.g, dtype=torch.float64) * scale + shift
        return torch.round(x * 1000) / 1000

    def pos(self, shape, low=0.2, high=2.0):
        x = torch.rand(tuple(shape), generator=self.g, dtype=torch.float64) * (high - low) + low
        return torch.round(x * 1000) / 1000

    def ints(self, shape, low=-5, high=6):
        return torch.randint(low, high, tuple(shape), generator=self.g, dtype=torch.int32)

    def bools(self, shape):
        return torch.rand(tuple(shape), generator=self.g) < 0.5


def apply_view(t, view):
    if view is None:
        return t
    kind = view[0]
    if kind == "permute":
        return t.permute(*view[1])
    if kind == "slice":
        _, dim, start, end, step = view
        return t.narrow(dim, start, end - start)[(slice(None),) * dim + (slice(None, None, step),)]
    if kind == "expand":
        return t.expand(*view[1])
    raise ValueError(view)


class Spec:
    """An input: a base tensor (stored) and an optional view applied to it."""

    def __init__(self, base, view=None, grad=True):
        self.base = base
        self.view = view
        self.grad = grad and base.is_floating_point()


def case(cases, gen, name, op, inputs, args=None, tol=None, fn=None, grad=True):
    args = args or {}
    leaves = []
    viewed = []
    for spec in inputs:
        if not isinstance(spec, Spec):
            spec = Spec(spec)
        leaf = spec.base.clone()
        if spec.grad and grad:
            leaf.requires_grad_(True)
        leaves.append((spec, leaf))
        viewed.append(apply_view(leaf, spec.view))
    out = fn(*viewed, **args) if fn else OPS[op](*viewed, **args)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    ups = []
    loss = None
    for o in outs:
        if o.is_floating_point() and o.requires_grad:
            up = gen.randn(list(o.shape))
            ups.append(enc(up))
            term = (o * up).sum()
            loss = term if loss is None else loss + term
        else:
            ups.append(None)
    grads = []
    if loss is not None:
        loss.backward()
    for spec, leaf in leaves:
        if leaf.requires_grad:
            g = leaf.grad if leaf.grad is not None else torch.zeros_like(leaf)
            grads.append(enc(g))
        else:
            grads.append(None)
    entry = {
        "name": name,
        "op": op,
        "args": args,
        "inputs": [dict(enc(spec.base), **({"view": spec.view} if spec.view else {}), grad=bool(leaf.requires_grad))
                   for spec, leaf in leaves],
        "outputs": [enc(o) for o in outs],
        "upstream": ups,
        "grads": grads,
    }
    if tol:
        entry["tol"] = tol
    cases.append(entry)


def prod_dims(x, dims, keepdim):
    """torch.prod takes one dim; lectern's takes several."""
    dims = sorted(({dims} if isinstance(dims, int) else set(dims)), reverse=True)
    for d in dims:
        x = x.prod(d % x.dim(), keepdim=keepdim)
    return x


# Each op as PyTorch computes it; keys are the op names of the JS table.
OPS = {
    "neg": torch.neg, "abs": torch.abs, "exp": torch.exp, "expm1": torch.expm1, "log": torch.log,
    "log1p": torch.log1p, "sqrt": torch.sqrt, "rsqrt": torch.rsqrt, "reciprocal": torch.reciprocal,
    "sin": torch.sin, "cos": torch.cos, "tan": torch.tan, "tanh": torch.tanh, "erf": torch.erf,
    "sigmoid": torch.sigmoid, "relu": torch.relu, "sign": torch.sign, "round": torch.round,
    "floor": torch.floor, "ceil": torch.ceil, "trunc": torch.trunc, "square": torch.square,
    "silu": F.silu,
    "leakyRelu": lambda x, negativeSlope=0.01: F.leaky_relu(x, negativeSlope),
    "elu": lambda x, alpha=1.0: F.elu(x, alpha),
    "gelu": lambda x, approximate="none": F.gelu(x, approximate=approximate),
    "softplus": lambda x, beta=1, threshold=20: F.softplus(x, beta, threshold),
    "clamp": lambda x, min=None, max=None: torch.clamp(x, min, max),
    "clampTensor": lambda x, lo, hi: torch.clamp(x, lo, hi),
    "add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div, "pow": torch.pow,
    "maximum": torch.maximum, "minimum": torch.minimum, "remainder": torch.remainder, "atan2": torch.atan2,
    "addScalar": lambda x, value: x + value, "mulScalar": lambda x, value: x * value,
    "rsubScalar": lambda x, value: value - x, "divScalar": lambda x, value: x / value,
    "powScalar": lambda x, value: x ** value, "rpowScalar": lambda x, value: value ** x,
    "eq": torch.eq, "ne": torch.ne, "lt": torch.lt, "le": torch.le, "gt": torch.gt, "ge": torch.ge,
    "logicalAnd": torch.logical_and, "logicalOr": torch.logical_or, "logicalXor": torch.logical_xor,
    "logicalNot": torch.logical_not,
    "where": torch.where,
    "sum": lambda x, dim=None, keepdim=False: x.sum() if dim is None else x.sum(dim, keepdim=keepdim),
    "mean": lambda x, dim=None, keepdim=False: x.mean() if dim is None else x.mean(dim, keepdim=keepdim),
    "var": lambda x, dim=None, correction=1, keepdim=False: torch.var(x, dim, unbiased=bool(correction), keepdim=keepdim),
    "std": lambda x, dim=None, correction=1, keepdim=False: torch.std(x, dim, unbiased=bool(correction), keepdim=keepdim),
    "prod": lambda x, dim=None, keepdim=False: x.prod() if dim is None else prod_dims(x, dim, keepdim),
    "amax": lambda x, dim=None, keepdim=False: x.amax(() if dim is None else dim, keepdim=keepdim),
    "amin": lambda x, dim=None, keepdim=False: x.amin(() if dim is None else dim, keepdim=keepdim),
    "max": lambda x: x.max(), "min": lambda x: x.min(),
    "maxDim": lambda x, dim, keepdim=False: tuple(x.max(dim, keepdim=keepdim)),
    "minDim": lambda x, dim, keepdim=False: tuple(x.min(dim, keepdim=keepdim)),
    "argmax": lambda x, dim=None, keepdim=False: x.argmax(dim, keepdim=keepdim),
    "argmin": lambda x, dim=None, keepdim=False: x.argmin(dim, keepdim=keepdim),
    "all": lambda x, dim=None: x.all() if dim is None else x.all(dim),
    "any": lambda x, dim=None: x.any() if dim is None else x.any(dim),
    "logsumexp": lambda x, dim, keepdim=False: torch.logsumexp(x, dim, keepdim=keepdim),
    "cumsum": torch.cumsum, "cumprod": torch.cumprod,
    "norm": lambda x, dim=None, p=2, keepdim=False: torch.linalg.vector_norm(x, float(p), dim, keepdim=keepdim),
    "softmax": torch.softmax, "logSoftmax": torch.log_softmax,
    "reshape": torch.reshape, "permute": torch.permute, "transpose": torch.transpose,
    "expand": lambda x, shape: x.expand(*shape), "squeeze": lambda x, dim=None: x.squeeze() if dim is None else x.squeeze(dim),
    "unsqueeze": torch.unsqueeze, "flatten": lambda x, startDim=0, endDim=-1: torch.flatten(x, startDim, endDim),
    "narrow": torch.narrow, "select": torch.select,
    "slice": lambda x, dim, start, end, step: x[(slice(None),) * (dim % x.dim()) + (slice(start, end, step),)],
    "contiguous": lambda x: x.contiguous(),
    "cat": lambda *xs, dim=0: torch.cat(xs, dim), "stack": lambda *xs, dim=0: torch.stack(xs, dim),
    "split": lambda x, size, dim=0: torch.split(x, size, dim), "chunk": lambda x, chunks, dim=0: torch.chunk(x, chunks, dim),
    "gather": lambda x, index, dim: torch.gather(x, dim, index.long()),
    "scatter": lambda x, index, src, dim: torch.scatter(x, dim, index.long(), src),
    "scatterAdd": lambda x, index, src, dim: torch.scatter_add(x, dim, index.long(), src),
    "indexSelect": lambda x, index, dim: torch.index_select(x, dim, index.long()),
    "indexAdd": lambda x, index, src, dim: torch.index_add(x, dim, index.long(), src),
    "maskedFill": lambda x, mask, value: x.masked_fill(mask, value),
    "tril": lambda x, diagonal=0: torch.tril(x, diagonal), "triu": lambda x, diagonal=0: torch.triu(x, diagonal),
    "pad": lambda x, padding, mode="constant", value=0.0: F.pad(x, padding, mode=mode, value=value) if mode == "constant" else F.pad(x, padding, mode=mode),
    "flip": torch.flip, "roll": lambda x, shifts, dims=None: torch.roll(x, shifts, dims),
    "repeat": lambda x, repeats: x.repeat(*repeats),
    "matmul": torch.matmul, "bmm": torch.bmm, "outer": torch.outer, "dot": torch.dot,
    "einsum": lambda *xs, equation: torch.einsum(equation, *xs),
    "trace": torch.trace,
    "diag": lambda x, k=0: torch.diag(x, k),
    "meshgrid": lambda *xs, indexing="ij": tuple(torch.meshgrid(*xs, indexing=indexing)),
    "diagonal": lambda x, offset=0, dim1=0, dim2=1: torch.diagonal(x, offset, dim1, dim2),
    "sort": lambda x, dim=-1, descending=False: tuple(torch.sort(x, dim=dim, descending=descending, stable=True)),
    "topk": lambda x, k, dim=-1, largest=True: tuple(torch.topk(x, k, dim, largest)),
    "maskedSelect": torch.masked_select,
    "indexTensor": lambda x, index: x[:, index.long()],
    "indexMask": lambda x, mask: x[mask],
}


def elementwise():
    cases = []
    g = Gen(1)
    for op in ["neg", "abs", "sin", "cos", "tanh", "erf", "sigmoid", "relu", "sign", "round", "floor", "ceil",
               "trunc", "square", "silu", "expm1"]:
        case(cases, g, op, op, [g.randn([3, 4], 1.5)])
    for op in ["log", "log1p", "sqrt", "rsqrt", "reciprocal"]:
        case(cases, g, op, op, [g.pos([3, 4])])
    case(cases, g, "exp", "exp", [g.randn([3, 4], 2)])
    case(cases, g, "tan", "tan", [g.randn([3, 4], 0.5)])
    case(cases, g, "exp large and small", "exp", [torch.tensor([-100.0, -20.0, 0.0, 20.0, 80.0], dtype=torch.float64)],
         tol={"atol": 1e-5, "rtol": 2e-6 * 100})
    case(cases, g, "log tiny", "log", [torch.tensor([1e-30, 1e-10, 1e10, 1e30], dtype=torch.float64)])
    case(cases, g, "sigmoid extremes", "sigmoid", [torch.tensor([-100.0, -30.0, 30.0, 100.0], dtype=torch.float64)])
    case(cases, g, "abs transposed", "abs", [Spec(g.randn([4, 3]), ["permute", [1, 0]])])
    case(cases, g, "exp strided slice", "exp", [Spec(g.randn([6, 5]), ["slice", 1, 1, 5, 2])])
    case(cases, g, "relu empty", "relu", [g.randn([0, 3])])
    case(cases, g, "neg int", "neg", [g.ints([5])])
    case(cases, g, "abs int", "abs", [g.ints([5])])
    case(cases, g, "exp of int promotes", "exp", [g.ints([4], -3, 4)])
    case(cases, g, "leakyRelu", "leakyRelu", [g.randn([3, 4])], {"negativeSlope": 0.2})
    case(cases, g, "elu", "elu", [g.randn([3, 4])], {"alpha": 1.5})
    case(cases, g, "gelu", "gelu", [g.randn([3, 4], 2)])
    case(cases, g, "gelu tanh", "gelu", [g.randn([3, 4], 2)], {"approximate": "tanh"})
    case(cases, g, "softplus", "softplus", [g.randn([3, 4], 3)], {"beta": 2, "threshold": 5})
    case(cases, g, "clamp", "clamp", [g.randn([3, 4])], {"min": -0.5, "max": 0.7})
    case(cases, g, "clamp min only", "clamp", [g.randn([3, 4])], {"min": 0.1})
    case(cases, g, "clamp tensors", "clampTensor", [g.randn([3, 4]), g.randn([4], 0.3, -0.5), g.randn([3, 1], 0.3, 0.5)])
    for op in ["add", "sub", "mul", "maximum", "minimum", "atan2"]:
        case(cases, g, op + " broadcast", op, [g.randn([2, 1, 4]), g.randn([3, 1])])
    case(cases, g, "div broadcast", "div", [g.randn([2, 3]), g.pos([3])])
    case(cases, g, "pow", "pow", [g.pos([2, 3]), g.randn([2, 3])])
    case(cases, g, "pow broadcast exponent", "pow", [g.pos([2, 3]), g.randn([3])])
    case(cases, g, "remainder", "remainder", [g.randn([2, 3], 4), g.pos([2, 3], 0.5, 2)])
    case(cases, g, "remainder negative divisor", "remainder", [g.randn([4], 4), torch.tensor([-1.5, -2.0, 1.5, 2.0], dtype=torch.float64)])
    case(cases, g, "maximum ties split the gradient", "maximum",
         [torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64), torch.tensor([1.0, 5.0, 3.0], dtype=torch.float64)])
    case(cases, g, "add transposed + sliced", "add",
         [Spec(g.randn([3, 2]), ["permute", [1, 0]]), Spec(g.randn([2, 6]), ["slice", 1, 0, 6, 2])])
    case(cases, g, "mul expanded", "mul", [Spec(g.randn([1, 3]), ["expand", [4, 3]]), g.randn([4, 3])])
    case(cases, g, "add empty", "add", [g.randn([0, 3]), g.randn([3])])
    case(cases, g, "add 0-d", "add", [g.randn([]), g.randn([2, 2])])
    case(cases, g, "add int + float promotes", "add", [g.ints([3]), g.randn([3])])
    case(cases, g, "add int + int", "add", [g.ints([3]), g.ints([3])])
    case(cases, g, "add scalar", "addScalar", [g.randn([2, 3])], {"value": 2.5})
    case(cases, g, "int + float scalar promotes", "addScalar", [g.ints([3])], {"value": 2.5})
    case(cases, g, "int * int scalar stays int", "mulScalar", [g.ints([3])], {"value": 3})
    case(cases, g, "bool + int scalar", "addScalar", [g.bools([4])], {"value": 1})
    case(cases, g, "scalar - x", "rsubScalar", [g.randn([3])], {"value": 1.5})
    case(cases, g, "x / scalar", "divScalar", [g.randn([3])], {"value": 4})
    case(cases, g, "int / int is float", "div", [g.ints([4], 1, 9), g.ints([4], 1, 4)])
    case(cases, g, "x ** 2", "powScalar", [g.randn([3])], {"value": 2})
    case(cases, g, "x ** 0.5", "powScalar", [g.pos([3])], {"value": 0.5})
    case(cases, g, "2 ** x", "rpowScalar", [g.randn([3])], {"value": 2})
    for op in ["eq", "ne", "lt", "le", "gt", "ge"]:
        a = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=torch.float64)
        case(cases, g, op, op, [a, torch.tensor([3.0, 2.0, 6.0], dtype=torch.float64)])
    case(cases, g, "lt int vs float", "lt", [g.ints([4]), g.randn([4], 3)])
    for op in ["logicalAnd", "logicalOr", "logicalXor"]:
        case(cases, g, op, op, [g.bools([2, 3]), g.bools([3])])
    case(cases, g, "logicalNot float", "logicalNot", [torch.tensor([0.0, 1.5, -2.0], dtype=torch.float64)])
    case(cases, g, "where", "where", [g.bools([2, 3]), g.randn([2, 3]), g.randn([3])])
    case(cases, g, "where broadcast cond", "where", [g.bools([3, 1]), g.randn([1, 4]), g.randn([3, 4])])
    return cases


def reduce():
    cases = []
    g = Gen(2)
    for op in ["sum", "mean", "amax", "amin", "prod"]:
        case(cases, g, op + " all", op, [g.randn([3, 4])])
        case(cases, g, op + " dim 1", op, [g.randn([3, 4])], {"dim": 1})
        case(cases, g, op + " dims [0, 2] keepdim", op, [g.randn([2, 3, 4])], {"dim": [0, 2], "keepdim": True})
        case(cases, g, op + " dim -1 transposed", op, [Spec(g.randn([4, 3]), ["permute", [1, 0]])], {"dim": -1})
    case(cases, g, "sum empty", "sum", [g.randn([0, 3])], {"dim": 0})
    case(cases, g, "sum size-1 dim", "sum", [g.randn([3, 1, 2])], {"dim": 1})
    case(cases, g, "sum int", "sum", [g.ints([3, 4])], {"dim": 0})
    case(cases, g, "sum bool", "sum", [g.bools([3, 4])])
    case(cases, g, "sum 0-d", "sum", [g.randn([])])
    case(cases, g, "prod with one zero", "prod", [torch.tensor([[2.0, 0.0, 3.0], [1.5, 2.0, -1.0]], dtype=torch.float64)], {"dim": 1})
    case(cases, g, "prod with two zeros", "prod", [torch.tensor([0.0, 2.0, 0.0, 3.0], dtype=torch.float64)])
    case(cases, g, "amax ties", "amax", [torch.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], dtype=torch.float64)], {"dim": 1})
    case(cases, g, "max all ties", "max", [torch.tensor([1.0, 3.0, 3.0], dtype=torch.float64)])
    case(cases, g, "min all", "min", [g.randn([3, 4])])
    for op in ["var", "std"]:
        case(cases, g, op + " all", op, [g.randn([3, 4])])
        case(cases, g, op + " dim 0 biased", op, [g.randn([3, 4])], {"dim": 0, "correction": 0})
        case(cases, g, op + " dims keepdim", op, [g.randn([2, 3, 4])], {"dim": [1, 2], "keepdim": True})
    case(cases, g, "maxDim", "maxDim", [g.randn([3, 4])], {"dim": 1})
    case(cases, g, "maxDim keepdim", "maxDim", [g.randn([3, 4])], {"dim": 0, "keepdim": True})
    case(cases, g, "minDim negative", "minDim", [g.randn([2, 3, 4])], {"dim": -2})
    case(cases, g, "argmax flat", "argmax", [g.randn([3, 4])])
    case(cases, g, "argmax dim", "argmax", [g.randn([3, 4])], {"dim": 1})
    case(cases, g, "argmin dim keepdim", "argmin", [g.randn([3, 4])], {"dim": 0, "keepdim": True})
    case(cases, g, "argmax first of ties", "argmax", [torch.tensor([1.0, 5.0, 5.0, 2.0], dtype=torch.float64)])
    case(cases, g, "all", "all", [g.bools([3, 4])], {"dim": 1})
    case(cases, g, "any", "any", [g.bools([3, 4])], {"dim": 0})
    case(cases, g, "all float", "all", [torch.tensor([1.0, 0.5, 0.0], dtype=torch.float64)])
    case(cases, g, "logsumexp", "logsumexp", [g.randn([3, 4], 3)], {"dim": 1})
    case(cases, g, "logsumexp large", "logsumexp", [torch.tensor([[1000.0, 1000.0], [-1000.0, -999.0]], dtype=torch.float64)], {"dim": 1, "keepdim": True})
    case(cases, g, "logsumexp dims", "logsumexp", [g.randn([2, 3, 4])], {"dim": [0, 2]})
    case(cases, g, "cumsum", "cumsum", [g.randn([3, 4])], {"dim": 1})
    case(cases, g, "cumsum dim 0 transposed", "cumsum", [Spec(g.randn([4, 3]), ["permute", [1, 0]])], {"dim": 0})
    case(cases, g, "cumprod", "cumprod", [g.pos([3, 4])], {"dim": -1})
    case(cases, g, "norm", "norm", [g.randn([3, 4])])
    case(cases, g, "norm dim", "norm", [g.randn([3, 4])], {"dim": 1, "keepdim": True})
    case(cases, g, "norm p=1", "norm", [g.randn([3, 4])], {"p": 1})
    case(cases, g, "norm p=3", "norm", [g.randn([3, 4])], {"dim": 0, "p": 3})
    case(cases, g, "norm p=inf", "norm", [g.randn([3, 4])], {"dim": 1, "p": "inf"})
    case(cases, g, "softmax", "softmax", [g.randn([3, 4], 2)], {"dim": 1})
    case(cases, g, "softmax dim 0", "softmax", [g.randn([3, 4], 2)], {"dim": 0})
    case(cases, g, "softmax large", "softmax", [torch.tensor([[1000.0, 1001.0, 999.0], [-1000.0, -1000.0, -1e4]], dtype=torch.float64)], {"dim": -1})
    case(cases, g, "softmax transposed", "softmax", [Spec(g.randn([4, 3]), ["permute", [1, 0]])], {"dim": 1})
    case(cases, g, "logSoftmax", "logSoftmax", [g.randn([2, 3, 4], 3)], {"dim": 1})
    case(cases, g, "logSoftmax large", "logSoftmax", [torch.tensor([[1000.0, 0.0, -1000.0]], dtype=torch.float64)], {"dim": 1})
    return cases


def shape():
    cases = []
    g = Gen(3)
    case(cases, g, "reshape", "reshape", [g.randn([2, 6])], {"shape": [3, -1]})
    case(cases, g, "reshape transposed", "reshape", [Spec(g.randn([3, 4]), ["permute", [1, 0]])], {"shape": [12]})
    case(cases, g, "permute", "permute", [g.randn([2, 3, 4])], {"dims": [2, 0, 1]})
    case(cases, g, "transpose negative dims", "transpose", [g.randn([2, 3, 4])], {"dim0": -1, "dim1": 0})
    case(cases, g, "expand", "expand", [g.randn([3, 1])], {"shape": [2, 3, 4]})
    case(cases, g, "squeeze all", "squeeze", [g.randn([2, 1, 3, 1])])
    case(cases, g, "squeeze dim", "squeeze", [g.randn([2, 1, 3])], {"dim": 1})
    case(cases, g, "unsqueeze -1", "unsqueeze", [g.randn([2, 3])], {"dim": -1})
    case(cases, g, "flatten", "flatten", [g.randn([2, 3, 4])], {"startDim": 1})
    case(cases, g, "narrow", "narrow", [g.randn([4, 5])], {"dim": 1, "start": 1, "length": 3})
    case(cases, g, "select negative", "select", [g.randn([4, 5])], {"dim": 0, "index": -1})
    case(cases, g, "slice step", "slice", [g.randn([3, 10])], {"dim": 1, "start": 1, "end": -1, "step": 3})
    case(cases, g, "contiguous of a transpose", "contiguous", [Spec(g.randn([3, 4]), ["permute", [1, 0]])])
    case(cases, g, "cat", "cat", [g.randn([2, 3]), g.randn([1, 3]), g.randn([3, 3])])
    case(cases, g, "cat dim 1 mixed views", "cat", [Spec(g.randn([3, 2]), ["permute", [1, 0]]), g.randn([2, 2])], {"dim": 1})
    case(cases, g, "cat with empty", "cat", [g.randn([0, 3]), g.randn([2, 3])])
    case(cases, g, "stack", "stack", [g.randn([2, 3]), g.randn([2, 3])], {"dim": 1})
    case(cases, g, "stack negative dim", "stack", [g.randn([2, 3]), g.randn([2, 3]), g.randn([2, 3])], {"dim": -1})
    case(cases, g, "split size", "split", [g.randn([5, 2])], {"size": 2})
    case(cases, g, "split sections", "split", [g.randn([2, 6])], {"size": [1, 3, 2], "dim": 1})
    case(cases, g, "chunk", "chunk", [g.randn([7, 2])], {"chunks": 3})
    case(cases, g, "tril", "tril", [g.randn([3, 4])])
    case(cases, g, "triu batched diag 1", "triu", [g.randn([2, 3, 3])], {"diagonal": 1})
    case(cases, g, "tril diag -1", "tril", [g.randn([4, 3])], {"diagonal": -1})
    case(cases, g, "pad constant", "pad", [g.randn([2, 3])], {"padding": [1, 2], "value": 0.5})
    case(cases, g, "pad 2d", "pad", [g.randn([1, 2, 3, 3])], {"padding": [1, 1, 2, 0]})
    case(cases, g, "pad negative crops", "pad", [g.randn([3, 5])], {"padding": [-1, 2]})
    case(cases, g, "pad reflect", "pad", [g.randn([1, 2, 5])], {"padding": [2, 3], "mode": "reflect"})
    case(cases, g, "pad replicate 2d", "pad", [g.randn([1, 1, 3, 3])], {"padding": [1, 2, 2, 1], "mode": "replicate"})
    case(cases, g, "pad circular", "pad", [g.randn([1, 2, 4])], {"padding": [1, 2], "mode": "circular"})
    case(cases, g, "flip", "flip", [g.randn([2, 3, 4])], {"dims": [0, 2]})
    case(cases, g, "roll", "roll", [g.randn([3, 4])], {"shifts": [1, -1], "dims": [0, 1]})
    case(cases, g, "roll flat", "roll", [g.randn([3, 4])], {"shifts": 5})
    case(cases, g, "repeat", "repeat", [g.randn([2, 3])], {"repeats": [2, 1, 2]})
    return cases


def indexing():
    cases = []
    g = Gen(4)
    idx = lambda rows: torch.tensor(rows, dtype=torch.int32)
    case(cases, g, "gather dim 1", "gather", [g.randn([3, 4]), idx([[0, 3], [1, 1], [2, 0]])], {"dim": 1})
    case(cases, g, "gather dim 0", "gather", [g.randn([3, 4]), idx([[2, 0, 1, 1]])], {"dim": 0})
    case(cases, g, "scatter", "scatter", [g.randn([3, 5]), idx([[0, 4], [1, 2], [3, 0]]), g.randn([3, 2])], {"dim": 1})
    case(cases, g, "scatterAdd repeated", "scatterAdd", [g.randn([3, 4]), idx([[0, 0, 1], [2, 2, 2], [3, 1, 3]]), g.randn([3, 3])], {"dim": 1})
    case(cases, g, "indexSelect", "indexSelect", [g.randn([4, 3]), idx([3, 0, 3])], {"dim": 0})
    case(cases, g, "indexSelect dim 1 transposed", "indexSelect", [Spec(g.randn([3, 4]), ["permute", [1, 0]]), idx([2, 1])], {"dim": 1})
    case(cases, g, "indexAdd", "indexAdd", [g.randn([4, 3]), idx([1, 1, 3]), g.randn([3, 3])], {"dim": 0})
    case(cases, g, "maskedFill", "maskedFill", [g.randn([3, 4]), g.bools([4])], {"value": -1e9})
    case(cases, g, "maskedFill int", "maskedFill", [g.ints([3, 4]), g.bools([3, 1])], {"value": 7})
    return cases


def linalg():
    cases = []
    g = Gen(5)
    case(cases, g, "matmul 2d", "matmul", [g.randn([3, 4]), g.randn([4, 5])])
    case(cases, g, "matmul vector-matrix", "matmul", [g.randn([4]), g.randn([4, 5])])
    case(cases, g, "matmul matrix-vector", "matmul", [g.randn([3, 4]), g.randn([4])])
    case(cases, g, "matmul vector-vector", "matmul", [g.randn([4]), g.randn([4])])
    case(cases, g, "matmul batch broadcast", "matmul", [g.randn([2, 1, 3, 4]), g.randn([3, 4, 2])])
    case(cases, g, "matmul batch x matrix", "matmul", [g.randn([2, 3, 4]), g.randn([4, 5])])
    case(cases, g, "matmul transposed inputs", "matmul",
         [Spec(g.randn([4, 3]), ["permute", [1, 0]]), Spec(g.randn([5, 4]), ["permute", [1, 0]])])
    case(cases, g, "matmul empty inner", "matmul", [g.randn([2, 0]), g.randn([0, 3])])
    case(cases, g, "matmul int", "matmul", [g.ints([2, 3]), g.ints([3, 2])])
    case(cases, g, "bmm", "bmm", [g.randn([2, 3, 4]), g.randn([2, 4, 2])])
    case(cases, g, "outer", "outer", [g.randn([3]), g.randn([4])])
    case(cases, g, "dot", "dot", [g.randn([5]), g.randn([5])])
    case(cases, g, "einsum matmul", "einsum", [g.randn([2, 3]), g.randn([3, 4])], {"equation": "ij,jk->ik"})
    case(cases, g, "einsum batched", "einsum", [g.randn([2, 3, 4]), g.randn([2, 4, 5])], {"equation": "bij,bjk->bik"})
    case(cases, g, "einsum attention", "einsum", [g.randn([2, 3, 4]), g.randn([2, 5, 4])], {"equation": "bqd,bkd->bqk"})
    case(cases, g, "einsum transpose", "einsum", [g.randn([2, 3])], {"equation": "ij->ji"})
    case(cases, g, "einsum sum", "einsum", [g.randn([2, 3])], {"equation": "ij->"})
    case(cases, g, "einsum dot", "einsum", [g.randn([4]), g.randn([4])], {"equation": "i,i->"})
    case(cases, g, "einsum outer implicit", "einsum", [g.randn([3]), g.randn([2])], {"equation": "i,j"})
    case(cases, g, "einsum ellipsis", "einsum", [g.randn([2, 2, 3, 4]), g.randn([4, 5])], {"equation": "...ij,jk->...ik"})
    case(cases, g, "einsum three operands", "einsum", [g.randn([2, 3]), g.randn([3, 4]), g.randn([4, 2])], {"equation": "ij,jk,kl->il"})
    case(cases, g, "einsum bilinear", "einsum", [g.randn([2, 3]), g.randn([5, 3, 4]), g.randn([2, 4])], {"equation": "bi,oij,bj->bo"})
    return cases


def search():
    cases = []
    g = Gen(6)
    idx = lambda rows: torch.tensor(rows, dtype=torch.int32)
    case(cases, g, "sort", "sort", [g.randn([3, 5])])
    case(cases, g, "sort descending dim 0 with ties", "sort", [torch.tensor([[1.0, 2.0], [3.0, 2.0], [1.0, 0.0]], dtype=torch.float64)],
         {"dim": 0, "descending": True})
    case(cases, g, "topk", "topk", [g.randn([2, 6])], {"k": 3})
    case(cases, g, "topk smallest dim 0", "topk", [g.randn([5, 2])], {"k": 2, "dim": 0, "largest": False})
    case(cases, g, "maskedSelect broadcast", "maskedSelect", [g.randn([3, 4]), g.bools([4])])
    case(cases, g, "index with int tensor", "indexTensor", [g.randn([2, 5]), idx([[4, 0], [1, 1]])])
    case(cases, g, "index with bool mask", "indexMask", [g.randn([3, 4]), g.bools([3, 4])])
    return cases


def matrix():
    cases = []
    g = Gen(7)
    case(cases, g, "trace", "trace", [g.randn([3, 4])])
    case(cases, g, "diagonal offset", "diagonal", [g.randn([3, 4])], {"offset": 1})
    case(cases, g, "diagonal negative offset dims", "diagonal", [g.randn([2, 4, 3])], {"offset": -1, "dim1": 1, "dim2": 2})
    case(cases, g, "diag of a vector", "diag", [g.randn([3])], {"k": 1})
    case(cases, g, "diag of a matrix", "diag", [g.randn([3, 4])], {"k": -1})
    case(cases, g, "einsum trace", "einsum", [g.randn([3, 3])], {"equation": "ii->"})
    case(cases, g, "einsum batched diagonal", "einsum", [g.randn([2, 3, 3])], {"equation": "bii->bi"})
    case(cases, g, "einsum implicit trace", "einsum", [g.randn([3, 3])], {"equation": "ii"})
    case(cases, g, "meshgrid ij", "meshgrid", [g.randn([3]), g.randn([2])])
    case(cases, g, "meshgrid xy", "meshgrid", [g.randn([3]), g.randn([2]), g.randn([4])], {"indexing": "xy"})
    return cases


FAMILIES = {"elementwise": elementwise, "reduce": reduce, "shape": shape, "indexing": indexing, "linalg": linalg,
            "search": search, "matrix": matrix}


def generate(out_dir):
    """Writes one JSON file per op family under `out_dir/tensor/`."""
    target = os.path.join(out_dir, AREA)
    os.makedirs(target, exist_ok=True)
    for family, make in FAMILIES.items():
        with open(os.path.join(target, family + ".json"), "w") as f:
            json.dump({"generator": "scripts/fixturegen/tensor_ops.py", "torch": torch.__version__,
                       "cases": make()}, f, separators=(",", ":"), allow_nan=False)
            f.write("\n")


if __name__ == "__main__":
    generate(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures"))
