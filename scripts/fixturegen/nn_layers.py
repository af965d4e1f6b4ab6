"""PyTorch oracle values for lectern's nn layers and losses.

Each case builds a PyTorch module, records its state dict (so the lectern
test loads PyTorch's initial weights through `loadStateDict`, which also
proves the key names), runs it on fixed inputs in train or eval mode, and
records every output, the gradients of the float inputs and of every
parameter for the loss sum_i (output_i * g_i).sum() with fixed random g_i,
and the buffers after the forward (running statistics).

`lt` says how lectern builds the same module: [class name, positional
args, options]. Forward options (masks, flags) go in `options`; tensors in
options are marked {"tensor": ...}.

Written to test/fixtures/nn/layers.json by generate(out_dir).
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F


def _num(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return float("%.9g" % v)


def enc(t):
    t = t.detach()
    dtype = {torch.float32: "float32", torch.int64: "int32", torch.int32: "int32", torch.bool: "bool"}[t.dtype]
    flat = t.flatten().tolist()
    return {"dtype": dtype, "shape": list(t.shape), "data": [_num(v) for v in flat]}


def flatten(out):
    if out is None:
        return []
    if isinstance(out, torch.Tensor):
        return [out]
    res = []
    for o in out:
        res.extend(flatten(o))
    return res


def enc_opt(v):
    if isinstance(v, torch.Tensor):
        return {"tensor": enc(v)}
    return v


CASES = []


def case(name, module, lt, inputs, *, train=True, options=None, call=None, lt_call=None, packed=None, grad_inputs=True, tol=None):
    """Runs one case and appends it to CASES."""
    torch.manual_seed(1234)
    state = {k: enc(v) for k, v in module.state_dict().items()}
    module.train(train)
    inputs = [x.clone().requires_grad_(grad_inputs and x.is_floating_point()) for x in inputs]
    options = options or {}
    if packed is not None:
        lengths, batch_first = packed
        x = nn.utils.rnn.pack_padded_sequence(inputs[0], torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
        out, hidden = module(x, *inputs[1:])
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=batch_first, total_length=inputs[0].shape[1 if batch_first else 0])
        out = (out, hidden)
    elif call is not None:
        out = call(module, *inputs)
    else:
        out = module(*inputs)
    outs = flatten(out)
    gs = [torch.randn(o.shape) for o in outs]
    loss = sum((o * g).sum() for o, g in zip(outs, gs) if o.is_floating_point() and o.requires_grad)
    if isinstance(loss, torch.Tensor):
        loss.backward()
    c = {
        "name": name,
        "lt": lt,
        "train": train,
        "state": state,
        "inputs": [enc(x) for x in inputs],
        "options": {k: enc_opt(v) for k, v in options.items()},
        "outputs": [enc(o) for o in outs],
        "outputGrads": [enc(g) for g in gs],
        "inputGrads": [enc(x.grad) if x.grad is not None else None for x in inputs],
        "paramGrads": {k: enc(p.grad) for k, p in module.named_parameters() if p.grad is not None},
        "stateAfter": {k: enc(v) for k, v in module.state_dict().items()},
    }
    if packed is not None:
        c["packed"] = {"lengths": packed[0], "batchFirst": packed[1]}
    if tol is not None:
        c["tol"] = tol
    if lt_call is not None:
        # How lectern calls the module when it differs from call(*inputs, options):
        # "qkv": m(x, x, x, options); "pairState": m(x, [h, c]).
        c["call"] = lt_call
    CASES.append(c)


def rn(*shape):
    return torch.randn(*shape)


def build():
    torch.manual_seed(0)
    # Linear family
    case("Linear", nn.Linear(5, 3), ["Linear", [5, 3], {}], [rn(4, 5)])
    case("Linear no bias 3d", nn.Linear(5, 3, bias=False), ["Linear", [5, 3], {"bias": False}], [rn(2, 4, 5)])
    case("Bilinear", nn.Bilinear(3, 4, 2), ["Bilinear", [3, 4, 2], {}], [rn(5, 3), rn(5, 4)])
    case("Identity", nn.Identity(), ["Identity", [], {}], [rn(2, 3)])
    case("Flatten", nn.Flatten(), ["Flatten", [], {}], [rn(2, 3, 2, 2)])
    case("Unflatten", nn.Unflatten(1, (2, 3)), ["Unflatten", [1, [2, 3]], {}], [rn(4, 6)])

    # Convolutions
    case("Conv1d", nn.Conv1d(3, 4, 3, stride=2, padding=1), ["Conv1d", [3, 4, 3], {"stride": 2, "padding": 1}], [rn(2, 3, 9)])
    case("Conv2d", nn.Conv2d(3, 4, 3, padding=1), ["Conv2d", [3, 4, 3], {"padding": 1}], [rn(2, 3, 6, 6)])
    case(
        "Conv2d groups dilation",
        nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(2, 1), dilation=(2, 1), groups=2, bias=False),
        ["Conv2d", [4, 6, [3, 2]], {"stride": [2, 1], "padding": [2, 1], "dilation": [2, 1], "groups": 2, "bias": False}],
        [rn(1, 4, 7, 5)],
    )
    case("Conv2d same", nn.Conv2d(2, 3, 4, padding="same", dilation=2), ["Conv2d", [2, 3, 4], {"padding": "same", "dilation": 2}], [rn(1, 2, 5, 6)])
    case("ConvTranspose3d", nn.ConvTranspose3d(2, 2, 2, stride=2), ["ConvTranspose3d", [2, 2, 2], {"stride": 2}], [rn(1, 2, 2, 2, 3)])
    case("Conv3d", nn.Conv3d(2, 3, 2, stride=1, padding=1), ["Conv3d", [2, 3, 2], {"padding": 1}], [rn(1, 2, 3, 4, 3)])
    case(
        "ConvTranspose1d",
        nn.ConvTranspose1d(3, 2, 3, stride=2, padding=1, output_padding=1),
        ["ConvTranspose1d", [3, 2, 3], {"stride": 2, "padding": 1, "outputPadding": 1}],
        [rn(2, 3, 5)],
    )
    case(
        "ConvTranspose2d",
        nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, groups=2),
        ["ConvTranspose2d", [4, 2, 3], {"stride": 2, "padding": 1, "groups": 2}],
        [rn(1, 4, 3, 4)],
    )

    # Pooling and resizing
    case("MaxPool1d", nn.MaxPool1d(3, stride=2, padding=1), ["MaxPool1d", [3], {"stride": 2, "padding": 1}], [rn(2, 3, 8)])
    case("MaxPool2d", nn.MaxPool2d(2), ["MaxPool2d", [2], {}], [rn(2, 3, 6, 6)])
    case("MaxPool2d ceil", nn.MaxPool2d(3, stride=2, ceil_mode=True), ["MaxPool2d", [3], {"stride": 2, "ceilMode": True}], [rn(1, 2, 6, 7)])
    case("MaxPool3d", nn.MaxPool3d(2), ["MaxPool3d", [2], {}], [rn(1, 2, 4, 4, 4)])
    case("AvgPool1d", nn.AvgPool1d(3, stride=2, padding=1), ["AvgPool1d", [3], {"stride": 2, "padding": 1}], [rn(2, 3, 8)])
    case("AvgPool2d", nn.AvgPool2d(2), ["AvgPool2d", [2], {}], [rn(2, 3, 6, 6)])
    case(
        "AvgPool2d exclude pad",
        nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False),
        ["AvgPool2d", [3], {"stride": 2, "padding": 1, "countIncludePad": False}],
        [rn(1, 2, 5, 5)],
    )
    case("AvgPool3d", nn.AvgPool3d(2), ["AvgPool3d", [2], {}], [rn(1, 2, 4, 4, 4)])
    case("AdaptiveAvgPool2d", nn.AdaptiveAvgPool2d((2, 3)), ["AdaptiveAvgPool2d", [[2, 3]], {}], [rn(2, 3, 5, 7)])
    case("AdaptiveAvgPool1d", nn.AdaptiveAvgPool1d(3), ["AdaptiveAvgPool1d", [3], {}], [rn(2, 3, 7)])
    case("AdaptiveMaxPool2d", nn.AdaptiveMaxPool2d((2, 2)), ["AdaptiveMaxPool2d", [[2, 2]], {}], [rn(1, 2, 5, 5)])
    case("Upsample nearest", nn.Upsample(scale_factor=2, mode="nearest"), ["Upsample", [], {"scaleFactor": 2, "mode": "nearest"}], [rn(1, 2, 3, 3)])
    case(
        "Upsample bilinear",
        nn.Upsample(size=(5, 4), mode="bilinear", align_corners=False),
        ["Upsample", [], {"size": [5, 4], "mode": "bilinear", "alignCorners": False}],
        [rn(1, 2, 3, 3)],
    )

    # Normalisation
    for train in (True, False):
        mode = "train" if train else "eval"
        bn1 = nn.BatchNorm1d(3)
        with torch.no_grad():
            bn1.running_mean.uniform_(-1, 1)
            bn1.running_var.uniform_(0.5, 2)
            bn1.weight.uniform_(0.5, 1.5)
            bn1.bias.uniform_(-0.5, 0.5)
        case(f"BatchNorm1d {mode}", bn1, ["BatchNorm1d", [3], {}], [rn(4, 3)], train=train)
        bn2 = nn.BatchNorm2d(3, momentum=0.3)
        with torch.no_grad():
            bn2.running_mean.uniform_(-1, 1)
            bn2.running_var.uniform_(0.5, 2)
        case(f"BatchNorm2d {mode}", bn2, ["BatchNorm2d", [3], {"momentum": 0.3}], [rn(2, 3, 4, 4)], train=train)
        case(f"Dropout {mode} p=0", nn.Dropout(0.0), ["Dropout", [0.0], {}], [rn(3, 4)], train=train)
    case("BatchNorm1d 3d input", nn.BatchNorm1d(3), ["BatchNorm1d", [3], {}], [rn(2, 3, 5)])
    case("BatchNorm3d", nn.BatchNorm3d(2, affine=False), ["BatchNorm3d", [2], {"affine": False}], [rn(2, 2, 3, 2, 2)])
    case("Dropout eval", nn.Dropout(0.5), ["Dropout", [0.5], {}], [rn(3, 4)], train=False)
    case("Dropout2d eval", nn.Dropout2d(0.5), ["Dropout2d", [0.5], {}], [rn(2, 3, 2, 2)], train=False)
    ln = nn.LayerNorm([3, 4])
    with torch.no_grad():
        ln.weight.uniform_(0.5, 1.5)
        ln.bias.uniform_(-0.5, 0.5)
    case("LayerNorm", ln, ["LayerNorm", [[3, 4]], {}], [rn(2, 3, 4)])
    case("LayerNorm no affine", nn.LayerNorm(5, elementwise_affine=False, eps=1e-3), ["LayerNorm", [5], {"elementwiseAffine": False, "eps": 1e-3}], [rn(3, 5)])
    gn = nn.GroupNorm(2, 4)
    with torch.no_grad():
        gn.weight.uniform_(0.5, 1.5)
        gn.bias.uniform_(-0.5, 0.5)
    case("GroupNorm", gn, ["GroupNorm", [2, 4], {}], [rn(2, 4, 3, 3)])
    case("LocalResponseNorm", nn.LocalResponseNorm(3, alpha=1e-2, beta=0.75, k=2.0), ["LocalResponseNorm", [3], {"alpha": 1e-2, "beta": 0.75, "k": 2.0}], [rn(2, 5, 3, 3)])

    # Activations (inputs kept away from kinks at 0)
    act_in = lambda: rn(3, 5) + 0.01  # noqa: E731
    case("ReLU", nn.ReLU(), ["ReLU", [], {}], [act_in()])
    case("LeakyReLU", nn.LeakyReLU(0.2), ["LeakyReLU", [0.2], {}], [act_in()])
    prelu = nn.PReLU(3, init=0.1)
    case("PReLU", prelu, ["PReLU", [], {"numParameters": 3, "init": 0.1}], [rn(2, 3, 4)])
    case("PReLU single", nn.PReLU(), ["PReLU", [], {}], [rn(2, 3, 4)])
    case("ELU", nn.ELU(0.5), ["ELU", [0.5], {}], [act_in()])
    case("GELU", nn.GELU(), ["GELU", [], {}], [act_in()])
    case("GELU tanh", nn.GELU(approximate="tanh"), ["GELU", [], {"approximate": "tanh"}], [act_in()])
    case("SiLU", nn.SiLU(), ["SiLU", [], {}], [act_in()])
    case("Sigmoid", nn.Sigmoid(), ["Sigmoid", [], {}], [act_in()])
    case("Tanh", nn.Tanh(), ["Tanh", [], {}], [act_in()])
    case("ReLU6", nn.ReLU6(), ["ReLU6", [], {}], [act_in() * 4])
    case("Softmax", nn.Softmax(dim=1), ["Softmax", [1], {}], [act_in()])
    case("LogSoftmax", nn.LogSoftmax(dim=-1), ["LogSoftmax", [-1], {}], [act_in()])
    case("Softplus", nn.Softplus(beta=2, threshold=1), ["Softplus", [], {"beta": 2, "threshold": 1}], [act_in()])

    # Embedding
    case("Embedding", nn.Embedding(6, 3), ["Embedding", [6, 3], {}], [torch.tensor([[1, 2, 1], [5, 0, 3]])])
    case("Embedding padding", nn.Embedding(6, 3, padding_idx=0), ["Embedding", [6, 3], {"paddingIdx": 0}], [torch.tensor([[1, 0, 1], [5, 0, 3]])])

    # Recurrent
    case("RNNCell", nn.RNNCell(3, 4), ["RNNCell", [3, 4], {}], [rn(2, 3), rn(2, 4)])
    case("RNNCell relu no h", nn.RNNCell(3, 4, nonlinearity="relu"), ["RNNCell", [3, 4], {"nonlinearity": "relu"}], [rn(2, 3)])
    lstm_cell = nn.LSTMCell(3, 4)
    h0, c0 = rn(2, 4), rn(2, 4)
    case("LSTMCell", lstm_cell, ["LSTMCell", [3, 4], {}], [rn(2, 3), h0, c0], call=lambda m, x, h, c: m(x, (h, c)), lt_call="pairState")
    case("GRUCell", nn.GRUCell(3, 4), ["GRUCell", [3, 4], {}], [rn(2, 3), rn(2, 4)])
    case("RNN tanh 2 layers", nn.RNN(3, 4, num_layers=2), ["RNN", [3, 4], {"numLayers": 2}], [rn(5, 2, 3)])
    case(
        "RNN relu bidirectional batchFirst h0",
        nn.RNN(3, 4, nonlinearity="relu", bidirectional=True, batch_first=True),
        ["RNN", [3, 4], {"nonlinearity": "relu", "bidirectional": True, "batchFirst": True}],
        [rn(2, 5, 3), rn(2, 2, 4)],
    )
    case("LSTM", nn.LSTM(3, 4), ["LSTM", [3, 4], {}], [rn(5, 2, 3)])
    case(
        "LSTM 2 layers bidirectional h0 c0",
        nn.LSTM(3, 4, num_layers=2, bidirectional=True),
        ["LSTM", [3, 4], {"numLayers": 2, "bidirectional": True}],
        [rn(4, 2, 3), rn(4, 2, 4), rn(4, 2, 4)],
        call=lambda m, x, h, c: m(x, (h, c)),
        lt_call="pairState",
    )
    case("GRU batchFirst 2 layers", nn.GRU(3, 4, num_layers=2, batch_first=True), ["GRU", [3, 4], {"numLayers": 2, "batchFirst": True}], [rn(2, 5, 3)])
    case(
        "GRU bidirectional h0",
        nn.GRU(3, 4, bidirectional=True, bias=False),
        ["GRU", [3, 4], {"bidirectional": True, "bias": False}],
        [rn(4, 3, 3), rn(2, 3, 4)],
    )
    # Variable lengths (packed sequences)
    case(
        "LSTM packed bidirectional",
        nn.LSTM(3, 4, bidirectional=True, batch_first=True),
        ["LSTM", [3, 4], {"bidirectional": True, "batchFirst": True}],
        [rn(3, 5, 3)],
        packed=([5, 2, 3], True),
    )
    case(
        "GRU packed 2 layers",
        nn.GRU(3, 4, num_layers=2),
        ["GRU", [3, 4], {"numLayers": 2}],
        [rn(4, 3, 3)],
        packed=([2, 4, 1], False),
    )
    case(
        "RNN packed bidirectional",
        nn.RNN(2, 3, bidirectional=True),
        ["RNN", [2, 3], {"bidirectional": True}],
        [rn(4, 2, 2)],
        packed=([4, 3], False),
    )

    # Attention
    mha = nn.MultiheadAttention(8, 2)
    case("MultiheadAttention self", mha, ["MultiheadAttention", [8, 2], {}], [rn(4, 2, 8)], call=lambda m, x: m(x, x, x), lt_call="qkv")
    mha2 = nn.MultiheadAttention(8, 2, batch_first=True)
    causal = torch.triu(torch.ones(4, 4, dtype=torch.bool), 1)
    pad = torch.tensor([[False, False, False, False], [False, False, True, True]])
    case(
        "MultiheadAttention causal + padding",
        mha2,
        ["MultiheadAttention", [8, 2], {"batchFirst": True}],
        [rn(2, 4, 8)],
        options={"attnMask": causal, "keyPaddingMask": pad},
        call=lambda m, x: m(x, x, x, attn_mask=causal, key_padding_mask=pad),
        lt_call="qkv",
    )
    mha3 = nn.MultiheadAttention(8, 4, kdim=5, vdim=6)
    case(
        "MultiheadAttention kdim vdim per-head weights",
        mha3,
        ["MultiheadAttention", [8, 4], {"kdim": 5, "vdim": 6}],
        [rn(3, 2, 8), rn(4, 2, 5), rn(4, 2, 6)],
        options={"averageAttnWeights": False},
        call=lambda m, q, k, v: m(q, k, v, average_attn_weights=False),
    )
    float_mask = torch.randn(3, 4)
    case(
        "MultiheadAttention float mask eval",
        nn.MultiheadAttention(8, 2),
        ["MultiheadAttention", [8, 2], {}],
        [rn(3, 2, 8), rn(4, 2, 8), rn(4, 2, 8)],
        train=False,
        options={"attnMask": float_mask},
        call=lambda m, q, k, v: m(q, k, v, attn_mask=float_mask),
    )
    enc_layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0)
    case("TransformerEncoderLayer", enc_layer, ["TransformerEncoderLayer", [8, 2], {"dimFeedforward": 16, "dropout": 0}], [rn(4, 2, 8)])
    enc_layer2 = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, activation="gelu", norm_first=True, batch_first=True)
    pad2 = torch.tensor([[False, False, False, True], [False, False, False, False]])
    case(
        "TransformerEncoderLayer normFirst gelu padding",
        enc_layer2,
        ["TransformerEncoderLayer", [8, 2], {"dimFeedforward": 16, "dropout": 0, "activation": "gelu", "normFirst": True, "batchFirst": True}],
        [rn(2, 4, 8)],
        options={"srcKeyPaddingMask": pad2},
        call=lambda m, x: m(x, src_key_padding_mask=pad2),
    )
    dec_layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0)
    tgt_mask = nn.Transformer.generate_square_subsequent_mask(3)
    case(
        "TransformerDecoderLayer causal",
        dec_layer,
        ["TransformerDecoderLayer", [8, 2], {"dimFeedforward": 16, "dropout": 0}],
        [rn(3, 2, 8), rn(4, 2, 8)],
        options={"tgtMask": tgt_mask},
        call=lambda m, t, mem: m(t, mem, tgt_mask=tgt_mask),
    )
    enc_stack = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0), 2, norm=nn.LayerNorm(8), enable_nested_tensor=False)
    case(
        "TransformerEncoder 2 layers + norm",
        enc_stack,
        ["TransformerEncoder", [["TransformerEncoderLayer", [8, 2], {"dimFeedforward": 16, "dropout": 0}], 2], {"norm": ["LayerNorm", [8], {}]}],
        [rn(3, 2, 8)],
    )
    tr = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=2, dim_feedforward=16, dropout=0.0, batch_first=True)
    tmask = nn.Transformer.generate_square_subsequent_mask(3)
    case(
        "Transformer",
        tr,
        ["Transformer", [], {"dModel": 8, "nhead": 2, "numEncoderLayers": 1, "numDecoderLayers": 2, "dimFeedforward": 16, "dropout": 0, "batchFirst": True}],
        [rn(2, 4, 8), rn(2, 3, 8)],
        options={"tgtMask": tmask},
        call=lambda m, s, t: m(s, t, tgt_mask=tmask),
    )

    # Eval mode: dropout inside the layers must be off, running statistics used.
    case("LSTM 2 layers dropout (eval)", nn.LSTM(3, 4, num_layers=2, dropout=0.5), ["LSTM", [3, 4], {"numLayers": 2, "dropout": 0.5}], [rn(4, 2, 3)], train=False)
    mha_drop = nn.MultiheadAttention(8, 2, dropout=0.5, batch_first=True)
    case(
        "MultiheadAttention dropout + padding (eval)",
        mha_drop,
        ["MultiheadAttention", [8, 2], {"dropout": 0.5, "batchFirst": True}],
        [rn(2, 4, 8)],
        train=False,
        options={"keyPaddingMask": pad},
        call=lambda m, x: m(x, x, x, key_padding_mask=pad),
        lt_call="qkv",
    )
    case(
        "TransformerEncoderLayer dropout 0.1 (eval)",
        nn.TransformerEncoderLayer(8, 2, dim_feedforward=16),
        ["TransformerEncoderLayer", [8, 2], {"dimFeedforward": 16}],
        [rn(4, 2, 8)],
        train=False,
    )
    case("BatchNorm1d cumulative average", nn.BatchNorm1d(3, momentum=None), ["BatchNorm1d", [3], {"momentum": None}], [rn(5, 3)])
    case(
        "BatchNorm2d without running stats (eval)",
        nn.BatchNorm2d(2, track_running_stats=False),
        ["BatchNorm2d", [2], {"trackRunningStats": False}],
        [rn(3, 2, 2, 2)],
        train=False,
    )
    case("GRUCell unbatched", nn.GRUCell(3, 4), ["GRUCell", [3, 4], {}], [rn(3), rn(4)])
    case("LSTM unbatched", nn.LSTM(3, 4), ["LSTM", [3, 4], {}], [rn(5, 3)])

    # Graph convolution and positional encoding: no PyTorch module, so the
    # reference is the formula written in torch (Kipf & Welling 2017; the
    # PyTorch Transformer tutorial's PositionalEncoding).
    class GCN(nn.Module):
        def __init__(self, i, o):
            super().__init__()
            self.weight = nn.Parameter(torch.randn(o, i) * 0.5)
            self.bias = nn.Parameter(torch.randn(o) * 0.1)

        def forward(self, x, a):
            a = a + torch.eye(a.shape[0])
            d = a.sum(1).rsqrt()
            return (d[:, None] * a * d[None, :]) @ (x @ self.weight.t()) + self.bias

    adj = torch.tensor([[0, 1, 1, 0, 0], [1, 0, 0, 1, 0], [1, 0, 0, 0, 0], [0, 1, 0, 0, 1], [0, 0, 0, 1, 0]], dtype=torch.float32)
    case("GCNConv", GCN(3, 2), ["GCNConv", [3, 2], {}], [rn(5, 3), adj])

    class Sinusoidal(nn.Module):
        def __init__(self, d, max_len=50):
            super().__init__()
            position = torch.arange(max_len).unsqueeze(1)
            div_term = torch.exp(torch.arange(0, d, 2) * (-math.log(10000.0) / d))
            pe = torch.zeros(max_len, 1, d)
            pe[:, 0, 0::2] = torch.sin(position * div_term)
            pe[:, 0, 1::2] = torch.cos(position * div_term)
            self.register_buffer("pe", pe, persistent=False)

        def forward(self, x):
            return x + self.pe[: x.size(0)]

    case("PositionalEncoding", Sinusoidal(6), ["PositionalEncoding", [6], {"maxLen": 50, "dropout": 0}], [rn(7, 2, 6)])

    # Containers (key names "0.weight")
    seq = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 2))
    case(
        "Sequential",
        seq,
        ["Sequential", [["Linear", [4, 5], {}], ["ReLU", [], {}], ["Linear", [5, 2], {}]], {}],
        [rn(3, 4)],
    )


def loss_cases():
    torch.manual_seed(1)
    out = []

    def loss(name, module, lt, inputs, grad_mask=None):
        torch.manual_seed(99)
        inputs = [x.clone().requires_grad_(x.is_floating_point() and (grad_mask is None or grad_mask[i])) for i, x in enumerate(inputs)]
        value = module(*inputs)
        g = torch.randn(value.shape)
        (value * g).sum().backward()
        out.append(
            {
                "name": name,
                "lt": lt,
                "inputs": [enc(x) for x in inputs],
                "output": enc(value),
                "outputGrad": enc(g),
                "inputGrads": [enc(x.grad) if x.grad is not None else None for x in inputs],
            }
        )

    x, y = rn(3, 4), rn(3, 4)
    for red in ("mean", "sum", "none"):
        loss(f"MSELoss {red}", nn.MSELoss(reduction=red), ["MSELoss", {"reduction": red}], [x, y])
        loss(f"L1Loss {red}", nn.L1Loss(reduction=red), ["L1Loss", {"reduction": red}], [x, y])
    loss("SmoothL1Loss beta", nn.SmoothL1Loss(beta=0.5), ["SmoothL1Loss", {"beta": 0.5}], [x, y])
    loss("HuberLoss", nn.HuberLoss(delta=0.7), ["HuberLoss", {"delta": 0.7}], [x, y])
    logits = rn(5, 4)
    target = torch.tensor([0, 3, 1, 1, 2])
    w = torch.rand(4) + 0.5
    loss("CrossEntropyLoss", nn.CrossEntropyLoss(), ["CrossEntropyLoss", {}], [logits, target])
    loss("CrossEntropyLoss weight", nn.CrossEntropyLoss(weight=w), ["CrossEntropyLoss", {"weight": {"tensor": enc(w)}}], [logits, target])
    loss(
        "CrossEntropyLoss ignoreIndex smoothing",
        nn.CrossEntropyLoss(ignore_index=1, label_smoothing=0.1),
        ["CrossEntropyLoss", {"ignoreIndex": 1, "labelSmoothing": 0.1}],
        [logits, target],
    )
    loss(
        "CrossEntropyLoss weight smoothing sum",
        nn.CrossEntropyLoss(weight=w, label_smoothing=0.2, reduction="sum"),
        ["CrossEntropyLoss", {"weight": {"tensor": enc(w)}, "labelSmoothing": 0.2, "reduction": "sum"}],
        [logits, target],
    )
    loss("CrossEntropyLoss none", nn.CrossEntropyLoss(reduction="none"), ["CrossEntropyLoss", {"reduction": "none"}], [logits, target])
    probs = torch.softmax(rn(5, 4), 1)
    loss("CrossEntropyLoss probabilities", nn.CrossEntropyLoss(), ["CrossEntropyLoss", {}], [logits, probs], grad_mask=[True, False])
    img_logits = rn(2, 3, 2, 2)
    img_target = torch.randint(0, 3, (2, 2, 2))
    loss("CrossEntropyLoss 4d", nn.CrossEntropyLoss(), ["CrossEntropyLoss", {}], [img_logits, img_target])
    logp = torch.log_softmax(rn(5, 4), 1)
    loss("NLLLoss weight", nn.NLLLoss(weight=w), ["NLLLoss", {"weight": {"tensor": enc(w)}}], [logp, target])
    loss("NLLLoss ignoreIndex", nn.NLLLoss(ignore_index=3), ["NLLLoss", {"ignoreIndex": 3}], [logp, target])
    p = torch.sigmoid(rn(3, 4))
    t01 = torch.rand(3, 4)
    loss("BCELoss", nn.BCELoss(), ["BCELoss", {}], [p, t01], grad_mask=[True, False])
    wb = torch.rand(4)
    loss("BCELoss weight sum", nn.BCELoss(weight=wb, reduction="sum"), ["BCELoss", {"weight": {"tensor": enc(wb)}, "reduction": "sum"}], [p, t01], grad_mask=[True, False])
    z = rn(3, 4) * 3
    pw = torch.rand(4) + 0.5
    loss("BCEWithLogitsLoss", nn.BCEWithLogitsLoss(), ["BCEWithLogitsLoss", {}], [z, t01])
    loss("BCEWithLogitsLoss posWeight", nn.BCEWithLogitsLoss(pos_weight=pw), ["BCEWithLogitsLoss", {"posWeight": {"tensor": enc(pw)}}], [z, t01])
    lp = torch.log_softmax(rn(3, 4), 1)
    q = torch.softmax(rn(3, 4), 1)
    loss("KLDivLoss batchmean", nn.KLDivLoss(reduction="batchmean"), ["KLDivLoss", {"reduction": "batchmean"}], [lp, q])
    loss("KLDivLoss logTarget sum", nn.KLDivLoss(reduction="sum", log_target=True), ["KLDivLoss", {"reduction": "sum", "logTarget": True}], [lp, torch.log(q)])
    a, b = rn(4, 5), rn(4, 5)
    lab = torch.tensor([1, -1, 1, -1])
    loss("CosineEmbeddingLoss margin", nn.CosineEmbeddingLoss(margin=0.1), ["CosineEmbeddingLoss", {"margin": 0.1}], [a, b, lab])
    return out


def function_cases():
    """F functions that are not modules: value and input gradients."""
    torch.manual_seed(2)
    out = []

    def fn(name, f, lt_fn, inputs, options):
        inputs = [x.clone().requires_grad_() for x in inputs]
        value = f(*inputs)
        g = torch.randn(value.shape)
        (value * g).sum().backward()
        out.append(
            {
                "name": name,
                "fn": lt_fn,
                "options": options,
                "inputs": [enc(x) for x in inputs],
                "output": enc(value),
                "outputGrad": enc(g),
                "inputGrads": [enc(x.grad) for x in inputs],
            }
        )

    a, b = rn(4, 5), rn(4, 5)
    fn("normalize", lambda x: F.normalize(x, p=2, dim=1), "normalize", [a], {"p": 2, "dim": 1})
    fn("normalize p=1 dim 0", lambda x: F.normalize(x, p=1, dim=0), "normalize", [a], {"p": 1, "dim": 0})
    fn("cosineSimilarity", lambda x, y: F.cosine_similarity(x, y, dim=1), "cosineSimilarity", [a, b], {"dim": 1})
    fn("pairwiseDistance", lambda x, y: F.pairwise_distance(x, y), "pairwiseDistance", [a, b], {})
    fn("pairwiseDistance p=1 keepdim", lambda x, y: F.pairwise_distance(x, y, p=1, keepdim=True), "pairwiseDistance", [a, b], {"p": 1, "keepdim": True})
    return out


def init_cases():
    """Exact values of deterministic inits (orthogonal needs QR sign conventions: checked by property instead)."""
    return {
        "calculateGain": {
            nl: nn.init.calculate_gain(nl, *( [0.2] if nl == "leaky_relu" else [])) for nl in ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "selu", "conv2d"]
        }
    }


def generate(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    CASES.clear()
    build()
    payload = {"layers": CASES, "losses": loss_cases(), "functions": function_cases(), "init": init_cases()}
    path = os.path.join(out_dir, "nn", "layers.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(payload, f, separators=(",", ":"))
    return [path]


if __name__ == "__main__":
    import sys

    root = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures")
    print(generate(sys.argv[1] if len(sys.argv) > 1 else root))
