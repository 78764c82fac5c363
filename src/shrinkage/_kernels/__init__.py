"""Compiled hot loops (numba ``@njit(cache=True)``) on plain arrays.

Nothing here knows about penalties or estimators: a kernel takes arrays and scalars and
updates them in place. The readable maths they implement is in
:mod:`shrinkage.penalties` and :mod:`shrinkage.certificates`, and the tests check the two
agree.
"""

from .coordinate_descent import cd_epoch_dense, cd_epoch_sparse
from .prox import enet_coordinate_update

__all__ = ["cd_epoch_dense", "cd_epoch_sparse", "enet_coordinate_update"]
