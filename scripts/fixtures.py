"""Regenerates every PyTorch fixture under test/fixtures.

Run with Debian's PyTorch: `/usr/bin/python3 scripts/fixtures.py`. It imports
each module in scripts/fixturegen/ and calls its `generate(out_dir)`, which
writes the module's own JSON files under `test/fixtures/<area>/`.

- `scripts/fixtures.py tensor_ops nn_ops` regenerates only those modules.
- `scripts/fixtures.py --if-changed` (what .ci/run does) regenerates
  everything only when the generators changed: it compares a SHA-256 of
  scripts/fixtures.py and scripts/fixturegen/*.py with test/fixtures/.stamp.

A full run writes the stamp, so commit test/fixtures/.stamp with the fixtures.
After regenerating only your own module, `--write-stamp` records the
generators' hash without running the others.
"""

import glob
import hashlib
import importlib
import os
import pkgutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "test", "fixtures")
STAMP = os.path.join(OUT_DIR, ".stamp")
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import fixturegen  # noqa: E402


def generators_hash():
    """SHA-256 over the generator sources, in a fixed order."""
    files = [os.path.join(ROOT, "scripts", "fixtures.py")]
    files += sorted(glob.glob(os.path.join(ROOT, "scripts", "fixturegen", "*.py")))
    h = hashlib.sha256()
    for path in files:
        h.update(os.path.relpath(path, ROOT).encode())
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def generate(only):
    names = sorted(m.name for m in pkgutil.iter_modules(fixturegen.__path__))
    for name in names:
        if only and name not in only:
            continue
        module = importlib.import_module("fixturegen." + name)
        if hasattr(module, "generate"):
            print("fixtures:", name, flush=True)
            module.generate(OUT_DIR)


def main(args):
    digest = generators_hash()
    if "--write-stamp" in args:
        args = [a for a in args if a != "--write-stamp"]
        if args:
            generate(set(args))
        with open(STAMP, "w") as f:
            f.write(digest + "\n")
        return
    if "--if-changed" in args:
        current = open(STAMP).read().strip() if os.path.exists(STAMP) else ""
        if current == digest:
            print("fixtures: up to date")
            return
        args = [a for a in args if a != "--if-changed"]
    generate(set(args))
    if not args:
        with open(STAMP, "w") as f:
            f.write(digest + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
