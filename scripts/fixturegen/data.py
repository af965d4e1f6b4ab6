"""Reference outputs for lectern's image transforms (data/transforms).

torchvision is not in Debian's python3-torch, so each reference below is the
tensor code path of torchvision.transforms.functional (v0.14) written with
plain torch ops: the same inverse affine matrix, affine grid and
grid_sample for rotate, the same _blend/_rgb2hsv/_hsv2rgb for colour jitter,
F.interpolate for resize (antialias=False).

Writes test/fixtures/data/transforms.json: for every case the input image,
the functional op with its arguments (lectern's names) and the output.
Inputs are float32 values rounded to 3 decimals; references run in float64.

Run on its own with `/usr/bin/python3 scripts/fixturegen/data.py`, or through
`scripts/fixtures.py`, which calls `generate(out_dir)`.
"""

import json
import math
import os

import torch
import torch.nn.functional as F

AREA = "data"


def image(gen, shape):
    x = torch.rand(*shape, generator=gen, dtype=torch.float64)
    return torch.round(x * 1000).float().double() / 1000


def enc(t):
    return {"shape": list(t.shape), "data": [float("%.9g" % v) for v in t.reshape(-1).tolist()]}


def blend(img1, img2, ratio):
    return (ratio * img1 + (1.0 - ratio) * img2).clamp(0, 1.0)


def grayscale(img):
    if img.shape[0] == 1:
        return img
    r, g, b = img.unbind(0)
    return (0.2989 * r + 0.587 * g + 0.114 * b).unsqueeze(0)


def rgb2hsv(img):
    r, g, b = img.unbind(dim=-3)
    maxc = torch.max(img, dim=-3).values
    minc = torch.min(img, dim=-3).values
    eqc = maxc == minc
    cr = maxc - minc
    ones = torch.ones_like(maxc)
    s = cr / torch.where(eqc, ones, maxc)
    cr_divisor = torch.where(eqc, ones, cr)
    rc = (maxc - r) / cr_divisor
    gc = (maxc - g) / cr_divisor
    bc = (maxc - b) / cr_divisor
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = hr + hg + hb
    h = torch.fmod((h / 6.0 + 1.0), 1.0)
    return torch.stack((h, s, maxc), dim=-3)


def hsv2rgb(img):
    h, s, v = img.unbind(dim=-3)
    i = torch.floor(h * 6.0)
    f = (h * 6.0) - i
    i = i.to(dtype=torch.int32)
    p = torch.clamp((v * (1.0 - s)), 0.0, 1.0)
    q = torch.clamp((v * (1.0 - s * f)), 0.0, 1.0)
    t = torch.clamp((v * (1.0 - s * (1.0 - f))), 0.0, 1.0)
    i = i % 6
    mask = i.unsqueeze(dim=-3) == torch.arange(6).view(-1, 1, 1)
    a1 = torch.stack((v, q, p, p, t, v), dim=-3)
    a2 = torch.stack((t, v, v, q, p, p), dim=-3)
    a3 = torch.stack((p, p, t, v, v, q), dim=-3)
    a4 = torch.stack((a1, a2, a3), dim=-4)
    return torch.einsum("...ijk, ...xijk -> ...xjk", mask.to(dtype=img.dtype), a4)


def adjust_hue(img, factor):
    if img.shape[0] == 1:
        return img
    h, s, v = rgb2hsv(img).unbind(dim=-3)
    h = (h + factor) % 1.0
    return hsv2rgb(torch.stack((h, s, v), dim=-3))


def rotate(img, angle, interpolation="nearest", fill=None):
    # torchvision: _get_inverse_affine_matrix(center=[0,0], angle=-angle, ...)
    c, h, w = img.shape
    rot = math.radians(-angle)
    a, b, cc, d = math.cos(rot), -math.sin(rot), math.sin(rot), math.cos(rot)
    theta = torch.tensor([[d, -b, 0.0], [-cc, a, 0.0]]).reshape(1, 2, 3)
    # torchvision _gen_affine_grid
    base = torch.empty(1, h, w, 3)
    base[..., 0].copy_(torch.linspace(-w * 0.5 + 0.5, w * 0.5 + 0.5 - 1, steps=w))
    base[..., 1].copy_(torch.linspace(-h * 0.5 + 0.5, h * 0.5 + 0.5 - 1, steps=h).unsqueeze(-1))
    base[..., 2].fill_(1)
    rescaled = theta.transpose(1, 2) / torch.tensor([0.5 * w, 0.5 * h])
    grid = base.view(1, h * w, 3).bmm(rescaled).view(1, h, w, 2)
    if fill is None:
        return F.grid_sample(img.unsqueeze(0), grid, mode=interpolation, padding_mode="zeros",
                             align_corners=False)[0]
    # torchvision _apply_grid_transform: a mask channel blends in the fill
    x = torch.cat((img.unsqueeze(0), torch.ones(1, 1, h, w)), dim=1)
    out = F.grid_sample(x, grid, mode=interpolation, padding_mode="zeros", align_corners=False)[0]
    out, mask = out[:-1], out[-1:].expand(c, h, w)
    if interpolation == "nearest":
        out = torch.where(mask < 0.5, torch.full_like(out, fill), out)
    else:
        out = out * mask + (1.0 - mask) * fill
    return out


def crop(img, top, left, height, width):
    c, h, w = img.shape
    padded = F.pad(img, (max(-left, 0), max(left + width - w, 0), max(-top, 0), max(top + height - h, 0)))
    return padded[:, max(top, 0):max(top, 0) + height, max(left, 0):max(left, 0) + width]


def erase(img, top, left, height, width, value):
    out = img.clone()
    out[:, top:top + height, left:left + width] = torch.tensor(value, dtype=img.dtype).view(-1, 1, 1)
    return out


def cases():
    gen = torch.Generator().manual_seed(2024)
    rgb = image(gen, (3, 7, 9))
    gray = image(gen, (1, 8, 8))
    square = image(gen, (3, 8, 8))
    out = []

    def add(op, img, args, result):
        out.append({"op": op, "input": enc(img), "args": args, "output": enc(result)})

    mean, std = [0.5, 0.4, 0.3], [0.2, 0.25, 0.3]
    add("normalize", rgb, [mean, std], (rgb - torch.tensor(mean).view(3, 1, 1)) / torch.tensor(std).view(3, 1, 1))
    add("pad", rgb, [[1, 2, 3, 0], 0.5], F.pad(rgb, (1, 3, 2, 0), value=0.5))
    add("crop", rgb, [1, 2, 4, 5], crop(rgb, 1, 2, 4, 5))
    add("crop", gray, [-2, 5, 6, 6], crop(gray, -2, 5, 6, 6))
    add("hflip", rgb, [], rgb.flip(-1))
    add("vflip", rgb, [], rgb.flip(-2))
    for img, angle, interp, fill in [(square, 30.0, "nearest", 0.0), (square, -45.0, "bilinear", 0.5),
                                     (rgb, 90.0, "nearest", None), (rgb, 17.0, "bilinear", 0.0),
                                     (rgb, 17.0, "bilinear", None),
                                     (gray, 200.0, "nearest", 1.0)]:
        options = {"interpolation": interp} if fill is None else {"interpolation": interp, "fill": fill}
        add("rotate", img, [angle, options], rotate(img, angle, interp, fill))
    for img, size, interp in [(rgb, [5, 12], "bilinear"), (rgb, [4, 4], "nearest"),
                              (gray, [13, 19], "bilinear"), (gray, [3, 5], "bilinear")]:
        ref = F.interpolate(img.unsqueeze(0), size=size, mode=interp,
                            **({"align_corners": False} if interp == "bilinear" else {}))[0]
        add("resize", img, [size, {"interpolation": interp}], ref)
    add("adjustBrightness", rgb, [1.3], blend(rgb, torch.zeros_like(rgb), 1.3))
    add("adjustContrast", rgb, [0.6], blend(rgb, grayscale(rgb).mean(), 0.6))
    add("adjustContrast", gray, [1.8], blend(gray, gray.mean(), 1.8))
    add("adjustSaturation", rgb, [1.7], blend(rgb, grayscale(rgb), 1.7))
    add("adjustSaturation", rgb, [0.2], blend(rgb, grayscale(rgb), 0.2))
    add("adjustHue", rgb, [0.2], adjust_hue(rgb, 0.2))
    add("adjustHue", square, [-0.35], adjust_hue(square, -0.35))
    add("erase", rgb, [2, 3, 3, 4, [0.1, 0.2, 0.3]], erase(rgb, 2, 3, 3, 4, [0.1, 0.2, 0.3]))
    return out


def generate(out_dir):
    """Writes `out_dir/data/transforms.json`."""
    torch.set_default_dtype(torch.float64)
    try:
        target = os.path.join(out_dir, AREA)
        os.makedirs(target, exist_ok=True)
        with open(os.path.join(target, "transforms.json"), "w") as f:
            json.dump({"generator": "scripts/fixturegen/data.py", "torch": torch.__version__,
                       "cases": cases()}, f, separators=(",", ":"))
            f.write("\n")
    finally:
        torch.set_default_dtype(torch.float32)


if __name__ == "__main__":
    generate(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures"))
