"""PyTorch oracle values for lectern's deep-learning primitives.

Writes test/fixtures/nn_ops/<family>.json: for every case the inputs, the
output(s), a fixed random upstream gradient and the gradient of every
differentiable input. Options are written under lectern's camelCase names
so a test can pass them straight to the op (`lt.conv2d(x, w, b, options)`).

Inputs are rounded to 3 decimals so that float32 parsing in JavaScript gives
exactly the tensor PyTorch saw; the reference is computed in float64 from
those float32 values, so a test's tolerance measures only lectern's error.

Run on its own with `/usr/bin/python3 scripts/fixturegen/nn_ops.py`, or
through `scripts/fixtures.py`, which calls `generate(out_dir)`.
"""

import json
import os

import torch
import torch.nn.functional as F

AREA = "nn_ops"


def f32(t):
    """The float64 tensor holding exactly the float32 values JavaScript will parse."""
    return t.float().double()


def rand(gen, shape, scale=1.0):
    x = torch.randn(*shape, generator=gen, dtype=torch.float64) * scale
    return f32(torch.round(x * 1000) / 1000)


def enc(t):
    """A tensor as {shape, data}; floats to 7 significant digits (float32 precision)."""
    t = t.detach()
    if t.dtype in (torch.int64, torch.int32, torch.bool):
        return {"shape": list(t.shape), "data": [int(v) for v in t.reshape(-1).tolist()]}
    return {"shape": list(t.shape), "data": [float("%.7g" % v) for v in t.reshape(-1).tolist()]}


def case(name, op, fn, inputs, options, grad_of=None, seed=0):
    """Runs `fn(**inputs)` in float64; records its output(s) and gradients.

    `fn` returns one tensor or a tuple whose first element is differentiated;
    `grad_of` names the inputs that get gradients (default: all float inputs).
    """
    gen = torch.Generator().manual_seed(seed + 12345)
    leaves = {}
    for k, v in inputs.items():
        if v is None:
            continue
        if v.is_floating_point() and (grad_of is None or k in grad_of):
            leaves[k] = v.clone().requires_grad_(True)
        else:
            leaves[k] = v.clone()
    out = fn(**{k: leaves.get(k) for k in inputs})
    extra = {}
    if isinstance(out, tuple):
        out, rest = out[0], out[1:]
        for i, r in enumerate(rest):
            extra["output%d" % (i + 1)] = enc(r)
    g = rand(gen, out.shape)
    entry = {
        "name": name,
        "op": op,
        "options": options,
        "inputs": {k: enc(v) for k, v in inputs.items() if v is not None},
        "output": enc(out),
        **extra,
        "gradOutput": enc(g),
        "grads": {},
    }
    diff = [k for k, v in leaves.items() if v.requires_grad]
    if diff:
        grads = torch.autograd.grad(out, [leaves[k] for k in diff], g, allow_unused=True)
        for k, gr in zip(diff, grads):
            entry["grads"][k] = enc(gr if gr is not None else torch.zeros_like(leaves[k]))
    # in-place updates (batch norm running stats) are outputs too
    for k in ("runningMean", "runningVar"):
        if k in leaves and leaves[k] is not None:
            entry.setdefault("updated", {})[k] = enc(leaves[k])
    return entry


def snake(options):
    return {
        {"kernelSize": "kernel_size", "ceilMode": "ceil_mode", "countIncludePad": "count_include_pad",
         "divisorOverride": "divisor_override", "returnIndices": "return_indices",
         "outputPadding": "output_padding", "alignCorners": "align_corners",
         "scaleFactor": "scale_factor", "outputSize": "output_size",
         "recomputeScaleFactor": "recompute_scale_factor"}.get(k, k): v
        for k, v in options.items()
    }


def conv_cases():
    gen = torch.Generator().manual_seed(1)
    cases = []

    def conv(name, op, xs, ws, bias=True, **opts):
        fn = {"conv1d": F.conv1d, "conv2d": F.conv2d, "conv3d": F.conv3d}[op]
        inputs = {"x": rand(gen, xs), "weight": rand(gen, ws, 0.5),
                  "bias": rand(gen, [ws[0]]) if bias else None}
        cases.append(case(name, op, lambda x, weight, bias: fn(x, weight, bias, **opts), inputs, opts,
                          seed=len(cases)))

    conv("2d basic", "conv2d", [2, 3, 7, 6], [4, 3, 3, 3])
    conv("2d stride/padding non-square", "conv2d", [1, 2, 9, 7], [3, 2, 3, 2], stride=[2, 1], padding=[1, 0])
    conv("2d dilation", "conv2d", [2, 2, 8, 8], [2, 2, 3, 3], dilation=2, padding=2)
    conv("2d groups", "conv2d", [2, 4, 6, 6], [6, 2, 3, 3], groups=2, stride=2)
    conv("2d depthwise", "conv2d", [1, 3, 5, 5], [6, 1, 3, 3], groups=3, padding=1)
    conv("2d same even kernel", "conv2d", [1, 2, 6, 5], [3, 2, 4, 2], padding="same", dilation=[1, 2])
    conv("2d valid", "conv2d", [2, 2, 5, 6], [2, 2, 2, 3], padding="valid", bias=False)
    conv("2d pointwise", "conv2d", [2, 5, 4, 4], [3, 5, 1, 1], bias=False)
    conv("2d kernel fills padded input", "conv2d", [1, 1, 3, 2], [1, 1, 5, 4], padding=1)
    conv("1d stride padding", "conv1d", [2, 3, 10], [4, 3, 3], stride=2, padding=1)
    conv("1d same dilation", "conv1d", [1, 2, 9], [2, 2, 3], padding="same", dilation=3)
    conv("1d groups", "conv1d", [2, 4, 6], [4, 2, 2], groups=2)
    conv("1d size one", "conv1d", [1, 1, 1], [1, 1, 1])
    conv("3d stride padding", "conv3d", [1, 2, 4, 5, 5], [3, 2, 2, 3, 3], stride=[1, 2, 1], padding=[1, 0, 1])
    conv("3d groups dilation", "conv3d", [2, 4, 3, 4, 4], [2, 2, 2, 2, 2], groups=2, dilation=[1, 2, 1])

    def convt(name, op, xs, ws, bias=True, **opts):
        fn = {"convTranspose1d": F.conv_transpose1d, "convTranspose2d": F.conv_transpose2d,
              "convTranspose3d": F.conv_transpose3d}[op]
        groups = opts.get("groups", 1)
        inputs = {"x": rand(gen, xs), "weight": rand(gen, ws, 0.5),
                  "bias": rand(gen, [ws[1] * groups]) if bias else None}
        cases.append(case(name, op, lambda x, weight, bias: fn(x, weight, bias, **snake(opts)), inputs,
                          opts, seed=len(cases)))

    convt("t2d stride output padding", "convTranspose2d", [2, 4, 3, 3], [4, 3, 3, 3], stride=2, padding=1,
          outputPadding=1)
    convt("t2d groups dilation", "convTranspose2d", [1, 4, 4, 3], [4, 2, 3, 2], groups=2, dilation=[2, 1],
          stride=[1, 2])
    convt("t2d basic no bias", "convTranspose2d", [2, 2, 3, 4], [2, 3, 2, 2], bias=False)
    convt("t1d stride padding", "convTranspose1d", [2, 3, 5], [3, 2, 4], stride=3, padding=2, outputPadding=1)
    convt("t3d stride", "convTranspose3d", [1, 2, 2, 3, 3], [2, 2, 2, 2, 2], stride=2)
    convt("t1d pointwise output padding", "convTranspose1d", [1, 2, 3], [2, 2, 1], dilation=2, outputPadding=1,
          groups=2)
    return cases


def pool_cases():
    gen = torch.Generator().manual_seed(2)
    cases = []

    def pool(name, op, xs, *args, **opts):
        fn = {"maxPool1d": F.max_pool1d, "maxPool2d": F.max_pool2d, "maxPool3d": F.max_pool3d,
              "avgPool1d": F.avg_pool1d, "avgPool2d": F.avg_pool2d, "avgPool3d": F.avg_pool3d,
              "adaptiveAvgPool1d": F.adaptive_avg_pool1d, "adaptiveAvgPool2d": F.adaptive_avg_pool2d,
              "adaptiveAvgPool3d": F.adaptive_avg_pool3d, "adaptiveMaxPool1d": F.adaptive_max_pool1d,
              "adaptiveMaxPool2d": F.adaptive_max_pool2d, "adaptiveMaxPool3d": F.adaptive_max_pool3d}[op]
        options = dict(opts)
        options["args"] = list(args)
        cases.append(case(name, op, lambda x: fn(x, *args, **snake(opts)), {"x": rand(gen, xs)}, options,
                          seed=len(cases)))

    pool("max2d stride padding", "maxPool2d", [2, 3, 7, 7], 3, stride=2, padding=1, returnIndices=True)
    pool("max2d default stride", "maxPool2d", [1, 2, 6, 4], 2, returnIndices=True)
    pool("max2d ceil", "maxPool2d", [2, 2, 8, 7], 3, stride=2, ceilMode=True, returnIndices=True)
    pool("max2d ceil padding", "maxPool2d", [1, 2, 6, 6], 2, stride=2, padding=1, ceilMode=True,
         returnIndices=True)
    pool("max2d dilation", "maxPool2d", [1, 2, 9, 8], 3, stride=1, padding=1, dilation=2, returnIndices=True)
    pool("max2d non-square", "maxPool2d", [2, 1, 6, 9], [2, 3], stride=[1, 2], padding=[1, 1],
         returnIndices=True)
    pool("max1d", "maxPool1d", [2, 3, 11], 3, stride=2, padding=1, dilation=2, ceilMode=True,
         returnIndices=True)
    pool("max3d", "maxPool3d", [1, 2, 5, 6, 5], [2, 3, 2], stride=2, padding=[1, 1, 0], ceilMode=True,
         returnIndices=True)
    pool("max2d unbatched", "maxPool2d", [3, 5, 5], 2, returnIndices=True)
    pool("avg2d include pad", "avgPool2d", [2, 3, 7, 7], 3, stride=2, padding=1)
    pool("avg2d exclude pad", "avgPool2d", [2, 3, 7, 7], 3, stride=2, padding=1, countIncludePad=False)
    pool("avg2d ceil include pad", "avgPool2d", [1, 2, 6, 7], 3, stride=2, padding=1, ceilMode=True)
    pool("avg2d ceil exclude pad", "avgPool2d", [1, 2, 6, 7], 3, stride=2, padding=1, ceilMode=True,
         countIncludePad=False)
    pool("avg2d divisor override", "avgPool2d", [1, 2, 5, 5], 2, stride=1, divisorOverride=3)
    pool("avg2d non-square default stride", "avgPool2d", [2, 2, 6, 9], [2, 3])
    pool("avg1d", "avgPool1d", [2, 3, 10], 4, stride=3, padding=2, ceilMode=True)
    pool("avg3d", "avgPool3d", [1, 2, 4, 5, 6], [2, 2, 3], stride=[2, 1, 2], padding=[1, 0, 1],
         countIncludePad=False)
    pool("adaptive avg2d down", "adaptiveAvgPool2d", [2, 3, 7, 5], [3, 2])
    pool("adaptive avg2d global", "adaptiveAvgPool2d", [2, 3, 4, 4], 1)
    pool("adaptive avg2d up", "adaptiveAvgPool2d", [1, 2, 3, 5], [4, 8])
    pool("adaptive avg1d", "adaptiveAvgPool1d", [2, 2, 10], 4)
    pool("adaptive avg3d", "adaptiveAvgPool3d", [1, 2, 5, 4, 6], [2, 3, 4])
    pool("adaptive max2d", "adaptiveMaxPool2d", [2, 2, 7, 6], [3, 4], returnIndices=True)
    pool("adaptive max1d", "adaptiveMaxPool1d", [1, 3, 9], 4, returnIndices=True)
    pool("adaptive max3d", "adaptiveMaxPool3d", [1, 1, 4, 5, 6], [2, 2, 3], returnIndices=True)

    return cases


def unpool_cases():
    gen = torch.Generator().manual_seed(7)
    cases = []

    def unpool(name, op, xs, k, **opts):
        pool_fn = {"maxUnpool1d": F.max_pool1d, "maxUnpool2d": F.max_pool2d, "maxUnpool3d": F.max_pool3d}[op]
        fn = {"maxUnpool1d": F.max_unpool1d, "maxUnpool2d": F.max_unpool2d, "maxUnpool3d": F.max_unpool3d}[op]
        values, indices = pool_fn(rand(gen, xs), k, stride=opts.get("stride"), padding=opts.get("padding", 0),
                                  return_indices=True)
        options = dict(opts)
        options["args"] = [k]
        cases.append(case(name, op, lambda x, indices: fn(x, indices, k, **snake(opts)),
                          {"x": values, "indices": indices}, options, seed=len(cases)))

    unpool("unpool2d", "maxUnpool2d", [2, 2, 4, 6], 2)
    unpool("unpool2d output size", "maxUnpool2d", [1, 2, 5, 5], 2, stride=2, outputSize=[5, 5])
    unpool("unpool2d padding", "maxUnpool2d", [1, 1, 5, 4], 2, stride=2, padding=1, outputSize=[5, 4])
    unpool("unpool1d", "maxUnpool1d", [2, 3, 9], 3)
    unpool("unpool3d", "maxUnpool3d", [1, 1, 4, 4, 2], 2)
    return cases


def unfold_cases():
    gen = torch.Generator().manual_seed(3)
    cases = []
    opts = dict(dilation=[1, 2], padding=1, stride=[2, 1])
    cases.append(case("unfold", "unfold", lambda x: F.unfold(x, [2, 3], **opts),
                      {"x": rand(gen, [2, 3, 5, 6])}, {"kernelSize": [2, 3], **opts}))
    cases.append(case("unfold default", "unfold", lambda x: F.unfold(x, 2),
                      {"x": rand(gen, [1, 2, 3, 4])}, {"kernelSize": 2}))
    fopts = dict(dilation=1, padding=[0, 1], stride=2)
    cases.append(case("fold", "fold", lambda x: F.fold(x, [5, 6], [3, 2], **fopts),
                      {"x": rand(gen, [2, 12, 8])}, {"outputSize": [5, 6], "kernelSize": [3, 2], **fopts}))
    cases.append(case("fold overlapping", "fold", lambda x: F.fold(x, [4, 4], 2, stride=1),
                      {"x": rand(gen, [1, 4, 9])}, {"outputSize": [4, 4], "kernelSize": 2, "stride": 1}))
    return cases


def interpolate_cases():
    gen = torch.Generator().manual_seed(4)
    cases = []

    def interp(name, xs, **opts):
        cases.append(case(name, "interpolate", lambda x: F.interpolate(x, **snake(opts)),
                          {"x": rand(gen, xs)}, opts, seed=len(cases)))

    interp("nearest size", [2, 2, 3, 4], size=[5, 7], mode="nearest")
    interp("nearest scale 2", [1, 2, 3, 3], scaleFactor=2, mode="nearest")
    interp("nearest scale fractional", [1, 1, 5, 7], scaleFactor=[1.7, 0.6], mode="nearest")
    interp("nearest-exact", [1, 2, 4, 5], size=[7, 3], mode="nearest-exact")
    interp("nearest 1d", [2, 3, 5], size=8, mode="nearest")
    interp("nearest 3d", [1, 1, 2, 3, 2], scaleFactor=2, mode="nearest")
    interp("bilinear size", [2, 2, 3, 4], size=[5, 7], mode="bilinear", alignCorners=False)
    interp("bilinear align corners", [2, 2, 3, 4], size=[5, 7], mode="bilinear", alignCorners=True)
    interp("bilinear down", [1, 2, 7, 8], size=[3, 5], mode="bilinear", alignCorners=False)
    interp("bilinear scale fractional", [1, 1, 4, 5], scaleFactor=1.5, mode="bilinear", alignCorners=False)
    interp("bilinear recompute scale", [1, 1, 4, 5], scaleFactor=1.7, mode="bilinear", alignCorners=False,
           recomputeScaleFactor=True)
    interp("bilinear to size 1", [1, 1, 4, 5], size=[1, 3], mode="bilinear", alignCorners=True)
    interp("linear", [2, 2, 6], size=9, mode="linear", alignCorners=False)
    interp("trilinear", [1, 1, 2, 3, 4], size=[3, 4, 3], mode="trilinear", alignCorners=True)
    interp("area", [1, 2, 7, 5], size=[3, 2], mode="area")
    interp("bicubic up", [1, 2, 4, 5], size=[7, 9], mode="bicubic", alignCorners=False)
    interp("bicubic align corners down", [1, 1, 6, 7], size=[4, 3], mode="bicubic", alignCorners=True)
    interp("bicubic scale", [2, 1, 3, 4], scaleFactor=1.5, mode="bicubic", alignCorners=False)
    return cases


def normalization_cases():
    gen = torch.Generator().manual_seed(5)
    cases = []

    def bn(name, xs, training, affine=True, momentum=0.1, eps=1e-5):
        c = xs[1]
        inputs = {"x": rand(gen, xs), "runningMean": rand(gen, [c], 0.1),
                  "runningVar": f32(rand(gen, [c], 0.1).abs() + 0.5),
                  "weight": rand(gen, [c]) if affine else None, "bias": rand(gen, [c]) if affine else None}
        options = {"training": training, "momentum": momentum, "eps": eps}

        def fn(x, runningMean, runningVar, weight, bias):
            return F.batch_norm(x, runningMean, runningVar, weight, bias, training, momentum, eps)
        cases.append(case(name, "batchNorm", fn, inputs, options, grad_of=["x", "weight", "bias"],
                          seed=len(cases)))

    bn("batch norm 4d training", [4, 3, 5, 5], True)
    bn("batch norm 4d eval", [2, 3, 4, 4], False)
    bn("batch norm 2d training no affine", [6, 4], True, affine=False, momentum=0.3, eps=1e-3)
    bn("batch norm 3d training", [3, 2, 5], True)

    def ln(name, xs, shape, affine=True, eps=1e-5):
        inputs = {"x": rand(gen, xs), "weight": rand(gen, shape) if affine else None,
                  "bias": rand(gen, shape) if affine else None}
        cases.append(case(name, "layerNorm",
                          lambda x, weight, bias: F.layer_norm(x, shape, weight, bias, eps), inputs,
                          {"normalizedShape": shape, "eps": eps}, seed=len(cases)))

    ln("layer norm 2 dims", [2, 3, 4, 5], [4, 5])
    ln("layer norm last dim no affine", [3, 6], [6], affine=False, eps=1e-3)

    def gn(name, xs, groups, affine=True):
        c = xs[1]
        inputs = {"x": rand(gen, xs), "weight": rand(gen, [c]) if affine else None,
                  "bias": rand(gen, [c]) if affine else None}
        cases.append(case(name, "groupNorm",
                          lambda x, weight, bias: F.group_norm(x, groups, weight, bias, 1e-5), inputs,
                          {"numGroups": groups, "eps": 1e-5}, seed=len(cases)))

    gn("group norm", [2, 6, 4, 4], 3)
    gn("group norm 3d no affine", [2, 4, 5], 2, affine=False)

    def lrn(name, xs, size, alpha=1e-4, beta=0.75, k=1.0):
        cases.append(case(name, "localResponseNorm",
                          lambda x: F.local_response_norm(x, size, alpha, beta, k), {"x": rand(gen, xs)},
                          {"size": size, "alpha": alpha, "beta": beta, "k": k}, seed=len(cases)))

    lrn("lrn alexnet", [2, 7, 4, 4], 5, alpha=1e-2, beta=0.75, k=2.0)
    lrn("lrn even size", [1, 6, 3, 3], 4, alpha=0.5, beta=0.6, k=1.0)
    lrn("lrn 3d input", [2, 5, 6], 3, alpha=0.3, beta=0.9, k=1.5)
    return cases


def embedding_cases():
    gen = torch.Generator().manual_seed(6)
    idx = torch.tensor([[1, 2, 4], [4, 3, 9]])
    cases = [
        case("embedding", "embedding", lambda indices, weight: F.embedding(indices, weight),
             {"indices": idx, "weight": rand(gen, [10, 4])}, {}),
        case("embedding padding idx", "embedding",
             lambda indices, weight: F.embedding(indices, weight, padding_idx=2),
             {"indices": idx, "weight": rand(gen, [10, 4])}, {"paddingIdx": 2}, seed=1),
        case("embedding negative padding idx", "embedding",
             lambda indices, weight: F.embedding(indices, weight, padding_idx=-1),
             {"indices": torch.tensor([0, 9, 9, 5]), "weight": rand(gen, [10, 3])}, {"paddingIdx": -1}, seed=2),
    ]
    return cases


FAMILIES = {
    "conv": conv_cases,
    "pool": pool_cases,
    "unpool": unpool_cases,
    "unfold": unfold_cases,
    "interpolate": interpolate_cases,
    "normalization": normalization_cases,
    "embedding": embedding_cases,
}


def generate(out_dir):
    """Writes one JSON file per op family under `out_dir/nn_ops/`."""
    torch.set_default_dtype(torch.float64)
    try:
        target = os.path.join(out_dir, AREA)
        os.makedirs(target, exist_ok=True)
        for family, make in FAMILIES.items():
            with open(os.path.join(target, family + ".json"), "w") as f:
                json.dump({"generator": "scripts/fixturegen/nn_ops.py", "torch": torch.__version__,
                           "cases": make()}, f, separators=(",", ":"))
                f.write("\n")
    finally:
        torch.set_default_dtype(torch.float32)


if __name__ == "__main__":
    generate(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures"))
