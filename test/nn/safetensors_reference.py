"""Reference safetensors reader/writer for lectern's tests, written from the
format spec with json + struct + torch only (Debian has no `safetensors`
package). It is deliberately strict, like the Rust reference loader: the
header length is 8-aligned and the tensors cover the data with no gap.

Usage: safetensors_reference.py check IN.safetensors  -> prints JSON of the contents
       safetensors_reference.py roundtrip IN OUT      -> reads IN, doubles floats, writes OUT
       safetensors_reference.py statedict SPEC OUT     -> builds a torch module, saves its state dict
"""
import json
import struct
import sys

import torch

DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8,
    "U8": torch.uint8, "BOOL": torch.bool,
}
CODES = {v: k for k, v in DTYPES.items()}


def read(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert n % 8 == 0, f"header length {n} is not 8-aligned"
    header = json.loads(raw[8 : 8 + n])
    data = raw[8 + n :]
    entries = sorted(
        ((k, v) for k, v in header.items() if k != "__metadata__"), key=lambda kv: kv[1]["data_offsets"][0]
    )
    expected = 0
    out = {}
    for name, info in entries:
        begin, end = info["data_offsets"]
        assert begin == expected, f"{name}: gap or overlap at {begin} (expected {expected})"
        expected = end
        dtype = DTYPES[info["dtype"]]
        if end > begin:
            t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype)
        else:
            t = torch.empty(0, dtype=dtype)
        out[name] = t.reshape(info["shape"])
    assert expected == len(data), f"data has {len(data) - expected} trailing bytes"
    return out, header.get("__metadata__", {})


def write(tensors, path, metadata=None):
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    blobs = []
    for name, t in tensors.items():
        b = t.contiguous().numpy().tobytes() if t.dtype != torch.bfloat16 else t.view(torch.int16).numpy().tobytes()
        header[name] = {"dtype": CODES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def describe(tensors, metadata):
    return {
        "metadata": metadata,
        "tensors": {
            k: {"dtype": CODES[t.dtype], "shape": list(t.shape), "values": t.flatten().tolist()}
            for k, t in tensors.items()
        },
    }


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "check":
        print(json.dumps(describe(*read(sys.argv[2]))))
    elif cmd == "roundtrip":
        tensors, metadata = read(sys.argv[2])
        tensors = {k: (t * 2 if t.is_floating_point() else t) for k, t in tensors.items()}
        tensors["extra_i64"] = torch.tensor([[1, -2], [3, 2**31 - 1]], dtype=torch.int64)
        tensors["extra_f64"] = torch.tensor([0.5, -1.25], dtype=torch.float64)
        tensors["extra_f16"] = torch.tensor([1.5, -0.0001, 65504.0], dtype=torch.float16)
        tensors["extra_u8"] = torch.tensor([0, 255], dtype=torch.uint8)
        write(tensors, sys.argv[3], {**metadata, "by": "torch"})
    elif cmd == "statedict":
        # argv[2]: python expression building a module (seeded); save its state dict and print it.
        torch.manual_seed(0)
        model = eval(sys.argv[2], {"torch": torch, "nn": torch.nn})
        sd = model.state_dict()
        write(sd, sys.argv[3])
        print(json.dumps(describe(sd, {})))
    elif cmd == "loadinto":
        # argv[2]: module expression; argv[3]: file saved by lectern. Loads strictly, prints the state dict.
        model = eval(sys.argv[2], {"torch": torch, "nn": torch.nn})
        tensors, _ = read(sys.argv[3])
        model.load_state_dict(tensors, strict=True)
        print(json.dumps(describe(model.state_dict(), {})))
