"""Groups of features for the group lasso: a validated partition of the columns.

A user gives one label per feature (``groups=[0, 0, 1, 1, 1, 2]``) or a list of index
lists (``groups=[[0, 1], [2, 3, 4], [5]]``). :func:`check_groups` turns either into a
:class:`Groups`: the members of each group contiguous in ``members``, group g being
``members[start[g]:start[g + 1]]``, the form the kernels take, with a clear error when
the groups do not cover every feature exactly once.

The group solvers work on dense columns (each group's Gram matrix and its
eigen-decomposition, block updates of the residual), as a dense X's own centred copy:
a sparse X is taken as its dense copy where that copy takes at most
:data:`DENSE_COPY_BYTES` (:func:`dense_for_groups`), the same arithmetic as dense input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["DENSE_COPY_BYTES", "Groups", "check_groups", "dense_for_groups"]

#: The largest dense copy (bytes) of a sparse X that a group fit makes.
DENSE_COPY_BYTES = 1 << 30


def dense_for_groups(X):
    """X, or a sparse X as a dense array of its dtype when that copy takes at most
    :data:`DENSE_COPY_BYTES` (a ``TypeError`` giving its size otherwise).

    Examples
    --------
    >>> dense_for_groups(sp.eye(2, format="csr")).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    if not sp.issparse(X):
        return X
    n, p = X.shape
    size = n * p * np.dtype(X.dtype).itemsize
    if size > DENSE_COPY_BYTES:
        raise TypeError(
            f"group-lasso fits work on dense columns: this sparse X ({n} × {p}) would take "
            f"{size / 2**30:.1f} GiB dense, over the {DENSE_COPY_BYTES / 2**30:g} GiB they "
            "copy; select or group fewer columns, or fit the lasso (no groups) on sparse X."
        )
    return X.toarray()


@dataclass(frozen=True)
class Groups:
    """A partition of ``n_features`` columns into groups.

    Attributes
    ----------
    members : ndarray of int64, shape (n_features,)
        Feature indices, group by group (increasing within a group).
    start : ndarray of int64, shape (n_groups + 1,)
        Group g is ``members[start[g]:start[g + 1]]``.
    labels : ndarray
        The label of each group, in order (a user's labels, or 0, 1, … for lists).
    """

    members: np.ndarray
    start: np.ndarray
    labels: np.ndarray

    @property
    def n_groups(self) -> int:
        return self.start.shape[0] - 1

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(self.start)

    def norms(self, w) -> np.ndarray:
        """``‖w_g‖₂`` of each group."""
        return np.sqrt(np.add.reduceat(w[self.members] ** 2, self.start[:-1]))


def check_groups(groups, n_features) -> Groups:
    """The :class:`Groups` of one label per feature or of a list of index lists (a
    :class:`Groups` of ``n_features`` comes back as it is).

    Examples
    --------
    >>> check_groups(["a", "b", "a"], 3).members.tolist()
    [0, 2, 1]
    >>> check_groups([[0, 1], [2]], 3).sizes.tolist()
    [2, 1]
    >>> check_groups([[0, 1], [1, 2]], 3)
    Traceback (most recent call last):
    ...
    ValueError: groups overlap: feature 1 is in more than one group.
    """
    if groups is None:
        raise ValueError("groups is required: one label per feature, or a list of index lists.")
    if isinstance(groups, Groups):
        if groups.members.shape[0] != n_features:
            raise ValueError(f"the groups cover {groups.members.shape[0]} features, not "
                             f"{n_features}.")  # fmt: skip
        return groups
    if _is_list_of_lists(groups):
        lists = [np.asarray(g, dtype=np.int64).ravel() for g in groups]
        if any(g.size == 0 for g in lists):
            raise ValueError("groups has an empty group.")
        flat = np.concatenate(lists)
        if flat.min() < 0 or flat.max() >= n_features:
            raise ValueError(f"groups index features outside 0..{n_features - 1}.")
        counts = np.bincount(flat, minlength=n_features)
        if np.any(counts > 1):
            raise ValueError(
                f"groups overlap: feature {int(np.flatnonzero(counts > 1)[0])} is in more "
                "than one group."
            )
        if np.any(counts == 0):
            missing = np.flatnonzero(counts == 0)[:10].tolist()
            raise ValueError(f"groups do not cover every feature: {missing} in none.")
        members = np.concatenate([np.sort(g) for g in lists])
        start = np.concatenate([[0], np.cumsum([g.size for g in lists])]).astype(np.int64)
        return Groups(members, start, np.arange(len(lists)))
    labels = np.asarray(groups)
    if labels.ndim != 1 or labels.shape[0] != n_features:
        raise ValueError(
            f"groups has shape {labels.shape}: give one label per feature ({n_features}) "
            "or a list of index lists."
        )
    if labels.dtype.kind == "f" and not np.all(np.isfinite(labels)):
        raise ValueError("groups contains NaN or infinite labels.")
    unique, inverse = np.unique(labels, return_inverse=True)
    members = np.argsort(inverse, kind="stable").astype(np.int64)
    start = np.concatenate([[0], np.cumsum(np.bincount(inverse))]).astype(np.int64)
    return Groups(members, start, unique)


def _is_list_of_lists(groups) -> bool:
    if isinstance(groups, np.ndarray):
        return groups.dtype == object
    return (
        isinstance(groups, list | tuple)
        and len(groups) > 0
        and all(isinstance(g, list | tuple | np.ndarray) for g in groups)
    )
