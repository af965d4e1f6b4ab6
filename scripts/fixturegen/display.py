"""Reference `str(tensor)` output for lectern's tensor text display
(display/tensor.ts), which follows torch/_tensor_str.py (precision 4,
threshold 1000, edgeitems 3, linewidth 80).

Writes test/fixtures/display/tensor_str.json: for every case the tensor's
shape, lectern dtype, flat values, requires_grad, grad_fn op name and the
exact string PyTorch prints. lectern's integer dtype is int32 but plays
torch's int64 role (no dtype suffix), so integer cases are made as int64.

Run on its own with `/usr/bin/python3 scripts/fixturegen/display.py`, or
through `scripts/fixtures.py`, which calls `generate(out_dir)`.
"""

import json
import math
import os

import torch

AREA = "display"


def case(name, t, grad_op=None):
    if t.dtype == torch.bool:
        dtype, data = "bool", [int(v) for v in t.reshape(-1).tolist()]
    elif t.dtype == torch.int64:
        dtype, data = "int32", t.reshape(-1).tolist()
    else:
        dtype = "float32"
        data = [v if math.isfinite(v) else str(v) for v in t.detach().reshape(-1).tolist()]
    return {"name": name, "shape": list(t.shape), "dtype": dtype, "data": data,
            "requiresGrad": bool(t.requires_grad), "gradFn": grad_op, "expected": str(t)}


def cases():
    g = torch.Generator().manual_seed(0)

    def randn(*shape):
        return torch.randn(*shape, generator=g, dtype=torch.float32)

    x = randn(3).requires_grad_()
    wide = randn(2, 12).requires_grad_()
    return [
        case("integer-valued floats", torch.tensor([[1.0, 2.0], [3.0, 4.0]])),
        case("normal 2x3", randn(2, 3)),
        case("scalar float", torch.tensor(3.5)),
        case("scalar int", torch.tensor(7)),
        case("small values use scientific notation", torch.tensor([1e-5, 1.0, 100.0])),
        case("huge values use scientific notation", torch.tensor([1e9, 2.0])),
        case("integer mode with a wide range", torch.tensor([1.0, 1e5])),
        case("nan and inf", torch.tensor([1.5, float("nan"), float("inf"), float("-inf"), 0.0])),
        case("all zeros", torch.zeros(2)),
        case("nan only", torch.tensor([float("nan"), 0.0])),
        case("negative zero", torch.tensor([-0.0, 1.0])),
        case("round half to even", torch.tensor([0.03125, 0.09375, 1.5, -0.03125])),
        case("negative values", torch.tensor([[-1.5, 2.25], [3.0, -4.125]])),
        case("summarised 2-D", torch.arange(2000, dtype=torch.float32).reshape(40, 50) / 7),
        case("summarised 1-D", randn(1001)),
        case("3-D", randn(2, 3, 4)),
        case("summarised 4-D", randn(2, 8, 8, 8)),
        case("int64", torch.tensor([[1, -20], [300, 4]])),
        case("summarised int", torch.arange(1200)),
        case("bool", torch.tensor([True, False, True])),
        case("requires grad", x),
        case("grad_fn", x * 2, "mul"),
        case("suffix wraps past the line width", wide),
        case("long row wraps", randn(20)),
        case("empty 2-D", torch.zeros(0, 3)),
        case("empty 1-D", torch.zeros(0)),
        case("empty int", torch.zeros(0, dtype=torch.int64)),
        case("column", randn(4, 1)),
        case("mixed magnitudes", torch.tensor([123.456, 0.001234, 5.0])),
    ]


def generate(out_dir):
    """Writes `out_dir/display/tensor_str.json`."""
    target = os.path.join(out_dir, AREA)
    os.makedirs(target, exist_ok=True)
    with open(os.path.join(target, "tensor_str.json"), "w") as f:
        json.dump({"generator": "scripts/fixturegen/display.py", "torch": torch.__version__,
                   "cases": cases()}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    generate(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures"))
