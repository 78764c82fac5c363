"""Fits, paths and cross-validation on data kept as row blocks by Dask or Spark.

The algorithms ask the data for reductions over row blocks
(:class:`~shrinkage.distributed.blocks.PartitionedData`), each one pass, and solve on the
driver; the engines (:mod:`shrinkage.distributed.engines`) implement the reductions, and
:class:`~shrinkage.distributed.api.DistributedProblem` chooses the algorithm from the
shape. The estimators, :func:`shrinkage.path` and the command line call it when given
Dask or Spark data.
"""

from .blocks import Block, DistributedDataError, PartitionedData, combine, make_block
from .engines import as_partitioned, is_distributed
from .engines.memory import ArrayBlocks
from .io import read_parquet

__all__ = [
    "ArrayBlocks",
    "Block",
    "DistributedDataError",
    "DistributedProblem",
    "PartitionedData",
    "as_partitioned",
    "choose_strategy",
    "combine",
    "is_distributed",
    "make_block",
    "read_parquet",
]

# the algorithms load on first use: they import the model-selection tools, and with them
# scikit-learn, which recognising distributed data (is_distributed) must not pay for
_LAZY = {"DistributedProblem", "choose_strategy"}


def __getattr__(name):
    if name in _LAZY:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
