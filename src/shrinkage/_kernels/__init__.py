"""Compiled hot loops on plain arrays (numba, with the options of :mod:`.jit`).

Nothing here knows about penalties or estimators: a kernel takes arrays and scalars and
updates them in place. The readable maths they implement is in
:mod:`shrinkage.penalties` and :mod:`shrinkage.certificates`, and the tests check the two
agree.

``nogil=True``: no kernel touches a Python object, so each releases the GIL while it
runs, and the (ρ, fold) jobs of a cross-validation run side by side on threads
(:mod:`shrinkage.selection.cross_validation`).
"""

from .coordinate_descent import cd_epoch_dense, cd_epoch_sparse
from .prox import enet_coordinate_update

__all__ = ["cd_epoch_dense", "cd_epoch_sparse", "enet_coordinate_update"]
