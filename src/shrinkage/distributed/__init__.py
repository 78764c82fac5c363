"""Fits, paths and cross-validation on data kept as row blocks by Dask or Spark.

The algorithms ask the data for reductions over row blocks
(:class:`~shrinkage.distributed.blocks.PartitionedData`), each one pass, and solve on the
driver; the engines (:mod:`shrinkage.distributed.engines`) implement the reductions.
"""

from .blocks import Block, DistributedDataError, PartitionedData, combine, make_block
from .engines.memory import ArrayBlocks

__all__ = [
    "ArrayBlocks",
    "Block",
    "DistributedDataError",
    "PartitionedData",
    "combine",
    "make_block",
]
