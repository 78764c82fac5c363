"""Synthetic Parquet data sets for the distributed benchmarks, written in streaming chunks.

Every set is a directory of Parquet files, one file per ``--rows-per-file`` rows, each file
written one row group (``--rows-per-group`` rows) at a time, so memory stays at one row
group whatever the size. The generator is seeded per row group (``default_rng([seed, k])``),
so a set is the same whatever the file size and the groups could be written in parallel.
The true coefficients go to ``_truth.json`` beside the files (names starting with ``_``
are skipped by Dask, pyarrow and Spark when they read the directory).

Sets (``python benchmarks/distributed_data.py DIR --sets ...``):

``tall_dense``
    columns ``x0 … x{p-1}`` (float64, iid N(0, 1)), ``y = Xw + ε`` with ``s`` non-zero
    coefficients ±(1 … 2) and ε ~ N(0, σ²), and ``label`` ~ Bernoulli(sigmoid(Xw)): the
    L1-logistic target on the same X (read it with ``target="label"`` and the ``x``
    columns as features). Default n = 5·10⁷, p = 100 (``--rows``, ``--features``).
``tall_sparse`` / ``wide``
    one row per sample in a *CSR row layout*: ``indices`` (list<int32>, sorted column
    indices), ``values`` (list<float64>) and ``y``; the number of columns is in the file
    metadata (``n_features``) and in ``_truth.json``. Concatenating a row group's lists
    gives the CSR ``indices`` and ``data`` of the block and the list offsets its
    ``indptr``, without a copy (``csr_block``). Dask reads the lists as pyarrow-backed
    columns and Spark as ``array<int>`` / ``array<double>``. Defaults: tall sparse
    10⁷ × 10⁵ at density 10⁻⁴ (10 entries a row), wide 10⁵ × 10⁶ at density 10⁻⁴.

``--out-of-core`` writes the tall dense set with enough rows for ≥ 8 GiB on disk.

Examples
--------
``python benchmarks/distributed_data.py /data/dist --sets tall_dense --rows 2000000``
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import scipy.sparse as sp

GIB = 2**30
OUT_OF_CORE_BYTES = 8 * GIB
SETS = ("tall_dense", "tall_sparse", "wide")


@dataclass(frozen=True)
class Spec:
    """One data set: shape, density (1 for dense), true support size and noise level."""

    name: str
    n_rows: int
    n_features: int
    density: float = 1.0
    n_nonzero: int = 10
    noise: float = 1.0
    seed: int = 0

    @property
    def dense(self) -> bool:
        return self.density >= 1.0


def true_coefficients(spec: Spec) -> tuple[np.ndarray, np.ndarray]:
    """Indices and values of the ``n_nonzero`` true coefficients (±(1 … 2), seeded)."""
    rng = np.random.default_rng([spec.seed, 2**31 - 1])
    support = np.sort(rng.choice(spec.n_features, spec.n_nonzero, replace=False))
    values = rng.choice([-1.0, 1.0], spec.n_nonzero) * rng.uniform(1.0, 2.0, spec.n_nonzero)
    return support.astype(np.int64), values


def dense_group(spec: Spec, group: int, rows: int) -> pa.Table:
    """Row group ``group`` of a dense set: the x columns, ``y`` and ``label``."""
    rng = np.random.default_rng([spec.seed, group])
    X = rng.standard_normal((rows, spec.n_features))
    support, values = true_coefficients(spec)
    eta = X[:, support] @ values
    y = eta + spec.noise * rng.standard_normal(rows)
    label = (rng.random(rows) < 1.0 / (1.0 + np.exp(-eta))).astype(np.float64)
    columns = {f"x{j}": X[:, j] for j in range(spec.n_features)}
    return pa.table({**columns, "y": y, "label": label})


def sparse_group(spec: Spec, group: int, rows: int) -> pa.Table:
    """Row group ``group`` of a sparse set in the CSR row layout."""
    rng = np.random.default_rng([spec.seed, group])
    X = sp.random(rows, spec.n_features, density=spec.density, format="csr", random_state=rng,
                  data_rvs=rng.standard_normal)  # fmt: skip
    X.sort_indices()
    support, values = true_coefficients(spec)
    w = np.zeros(spec.n_features)
    w[support] = values
    y = X @ w + spec.noise * rng.standard_normal(rows)
    offsets = pa.array(X.indptr.astype(np.int32))
    indices = pa.ListArray.from_arrays(offsets, pa.array(X.indices.astype(np.int32)))
    data = pa.ListArray.from_arrays(offsets, pa.array(X.data))
    return pa.table({"indices": indices, "values": data, "y": y})


def csr_block(table: pa.Table, n_features: int) -> tuple[sp.csr_matrix, np.ndarray]:
    """The CSR matrix and target of a table in the CSR row layout.

    >>> spec = Spec("s", 50, 30, density=0.1)
    >>> X, y = csr_block(sparse_group(spec, 0, 50), 30)
    >>> X.shape, y.shape, X.nnz == 150
    ((50, 30), (50,), True)
    """
    indices = table.column("indices").combine_chunks()
    values = table.column("values").combine_chunks()
    indptr = indices.offsets.to_numpy() - indices.offsets[0].as_py()
    X = sp.csr_matrix((values.values.to_numpy(), indices.values.to_numpy(), indptr),
                      shape=(table.num_rows, n_features))  # fmt: skip
    return X, table.column("y").to_numpy()


def write(spec: Spec, out: Path, rows_per_file: int, rows_per_group: int) -> int:
    """Write ``spec`` under ``out / spec.name``, one row group in memory at a time; the
    bytes on disk."""
    directory = out / spec.name
    directory.mkdir(parents=True, exist_ok=True)
    make = dense_group if spec.dense else sparse_group
    metadata = {b"n_features": str(spec.n_features).encode()}
    group, start, part = 0, 0, 0
    while start < spec.n_rows:
        stop_file = min(start + rows_per_file, spec.n_rows)
        writer = None
        path = directory / f"part-{part:05d}.parquet"
        while start < stop_file:
            rows = min(rows_per_group, stop_file - start)
            table = make(spec, group, rows)
            table = table.replace_schema_metadata(metadata)
            if writer is None:
                compression = "none" if spec.dense else "snappy"  # random doubles: no gain
                writer = pq.ParquetWriter(path, table.schema, compression=compression)
            writer.write_table(table, row_group_size=rows)
            start, group = start + rows, group + 1
        writer.close()
        part += 1
    support, values = true_coefficients(spec)
    truth = dict(name=spec.name, n_rows=spec.n_rows, n_features=spec.n_features,
                 density=spec.density, noise=spec.noise, seed=spec.seed,
                 support=support.tolist(), values=values.tolist(),
                 layout="columns x0..x{p-1}, y, label" if spec.dense
                 else "CSR rows: indices list<int32>, values list<float64>, y")  # fmt: skip
    (directory / "_truth.json").write_text(json.dumps(truth, indent=1))
    return sum(f.stat().st_size for f in directory.glob("part-*.parquet"))


def out_of_core_rows(n_features: int) -> int:
    """Rows of a dense set (x columns, y, label; uncompressed float64) of ≥ 8 GiB."""
    return int(np.ceil(OUT_OF_CORE_BYTES * 1.02 / (8 * (n_features + 2))))


def specs(args) -> list[Spec]:
    """The specs named by the command line (``--rows`` scales the tall sets)."""
    tall = args.rows if args.rows is not None else 50_000_000
    if args.out_of_core:
        return [Spec("tall_dense_out_of_core", out_of_core_rows(args.features), args.features,
                     seed=args.seed)]  # fmt: skip
    table = {
        "tall_dense": Spec("tall_dense", tall, args.features, seed=args.seed),
        "tall_sparse": Spec(
            "tall_sparse", args.rows or 10_000_000, 100_000, density=1e-4, seed=args.seed + 1
        ),  # fmt: skip
        "wide": Spec(
            "wide", args.wide_rows, 1_000_000, density=1e-4, n_nonzero=50, seed=args.seed + 2
        ),  # fmt: skip
    }
    return [table[name] for name in args.sets]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="directory to write the sets under")
    parser.add_argument("--sets", nargs="+", choices=SETS, default=["tall_dense"])
    parser.add_argument(
        "--rows",
        type=int,
        default=None,
        help="rows of the tall sets (default 5e7 dense, 1e7 sparse)",
    )
    parser.add_argument("--wide-rows", type=int, default=100_000)
    parser.add_argument("--features", type=int, default=100, help="p of the dense set")
    parser.add_argument("--rows-per-file", type=int, default=1_000_000)
    parser.add_argument("--rows-per-group", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out-of-core", action="store_true",
                        help="the tall dense set at >= 8 GiB on disk")  # fmt: skip
    args = parser.parse_args(argv)
    for spec in specs(args):
        size = write(spec, args.out, args.rows_per_file, args.rows_per_group)
        print(
            f"{spec.name}: {spec.n_rows} x {spec.n_features}, density {spec.density:g}, "
            f"{size / GIB:.3f} GiB on disk in {os.fspath(args.out / spec.name)}",
            flush=True,
        )
        if args.out_of_core and size < OUT_OF_CORE_BYTES:
            raise SystemExit(f"{spec.name} is {size / GIB:.2f} GiB, under 8 GiB.")


if __name__ == "__main__":
    main()
