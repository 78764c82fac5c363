"""``python -m shrinkage.lab --out DIR``: regenerate every lab figure as a PNG in DIR, and
``DIR/index.html`` listing each figure with its one-line finding.

The docs page ``docs/why-l1-gives-zeros.md`` uses ``--out docs/figures``. The figures of
the basic lab are drawn by :mod:`shrinkage.lab.figures`; every further lab module listed
in :data:`MODULES` draws its own through its ``figures(out, dpi)`` function.
"""

from __future__ import annotations

import argparse
import html
import importlib
from pathlib import Path

# the lab modules beyond the basic figures, each with ``figures(out, dpi)``
MODULES = (
    "ridge_crossings", "calibration_intervals", "orthonormal", "bayes", "bias_variance",
    "selection_failure", "degrees_of_freedom", "group_lasso",
)  # fmt: skip


def make_figures(out, dpi: int = 100) -> list[tuple[Path, str]]:
    """Write every lab figure into ``out`` (created if needed); return ``(path, finding)``
    for each, in reading order."""
    from . import figures

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = figures.basic_figures(out, dpi)
    for name in MODULES:
        written += importlib.import_module(f".{name}", __package__).figures(out, dpi)
    return written


def write_index(out, written) -> Path:
    """``out/index.html``: every figure with its finding, one section each."""
    rows = "\n".join(
        f"<section><h2>{html.escape(path.stem)}</h2><p>{html.escape(finding)}</p>"
        f'<img src="{html.escape(path.name)}" alt="{html.escape(finding)}"></section>'
        for path, finding in written
    )
    page = (
        '<!doctype html><html lang="en"><meta charset="utf-8">'
        "<title>shrinkage lab: why L1 gives exact zeros</title>"
        "<style>body{font-family:sans-serif;max-width:60rem;margin:auto}"
        "img{max-width:100%}</style>"
        f"<h1>shrinkage lab</h1>\n{rows}\n</html>\n"
    )
    index = Path(out) / "index.html"
    temporary = index.with_suffix(".html.tmp")
    temporary.write_text(page, encoding="utf-8")
    temporary.replace(index)  # atomic: never a half-written page
    return index


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m shrinkage.lab",
        description="Regenerate every lab figure as a PNG, with an index.html of findings.",
    )
    parser.add_argument("--out", required=True, help="folder for the PNG files")
    parser.add_argument("--dpi", type=int, default=100, help="resolution (default 100)")
    args = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")  # a script writing files: no display needed
    written = make_figures(args.out, dpi=args.dpi)
    for path, finding in written:
        print(f"{path}  {finding}")
    print(write_index(args.out, written))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
