"""Fixture generators: one module per area, each with `generate(out_dir)`.

scripts/fixtures.py imports every module here; a module writes only its own
files under `out_dir/<area>/`.
"""
