"""Convert scikit-learn's copy of the UCI digits CSV into nn/datasets/data/digits.npz.

The CSV (``sklearn/datasets/data/digits.csv.gz`` inside the scikit-learn wheel) has one
sample per row: 64 pixel counts in 0..16, then the label. Only the format changes here.

Usage:
    pip download --no-deps scikit-learn -d /tmp/skl
    unzip -o /tmp/skl/scikit_learn-*.whl 'sklearn/datasets/data/digits.csv.gz' -d /tmp/skl
    python scripts/make_digits.py /tmp/skl/sklearn/datasets/data/digits.csv.gz
"""

import argparse
import gzip
from pathlib import Path

import numpy as np

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "nn" / "datasets" / "data" / "digits.npz"


def convert(csv_gz: Path, out: Path) -> None:
    with gzip.open(csv_gz, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.int64)
    if table.shape != (1797, 65):
        raise ValueError(f"{csv_gz}: expected 1797 rows of 65 columns, got shape {table.shape}")
    pixels, labels = table[:, :64], table[:, 64]
    if pixels.min() < 0 or pixels.max() > 16 or labels.min() < 0 or labels.max() > 9:
        raise ValueError(f"{csv_gz}: pixels must lie in 0..16 and labels in 0..9")
    np.savez_compressed(
        out,
        images=pixels.reshape(-1, 8, 8).astype(np.uint8),
        labels=labels.astype(np.uint8),
    )
    print(f"wrote {out} ({out.stat().st_size} bytes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv_gz", type=Path, help="path to sklearn's digits.csv.gz")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output .npz path")
    args = parser.parse_args()
    convert(args.csv_gz, args.out)


if __name__ == "__main__":
    main()
