"""Small real data sets bundled with the package (no download, no network).

``load_prostate`` gives the prostate cancer data of Stamey et al. (1989) as used in *The
Elements of Statistical Learning* (ESL, section 3.4), with ESL's train/test split. The file
is a verbatim copy of the ESL data (via ``syting/esl`` ``data/prostate.data``); see
the project's ``shared/data/README.md`` for provenance.
"""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np

__all__ = ["load_prostate"]

_PROSTATE_FEATURES = ("lcavol", "lweight", "age", "lbph", "svi", "lcp", "gleason", "pgg45")


def load_prostate() -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Prostate cancer data (97 men): 8 clinical predictors of log PSA.

    Returns
    -------
    X : ndarray of shape (97, 8)
        Predictors ``lcavol, lweight, age, lbph, svi, lcp, gleason, pgg45``, unscaled.
    y : ndarray of shape (97,)
        ``lpsa``, the log prostate-specific antigen.
    feature_names : list of str
    train : ndarray of bool, shape (97,)
        True for the 67 rows of ESL's training set, False for its 30 test rows.

    Examples
    --------
    >>> from shrinkage.datasets import load_prostate
    >>> X, y, names, train = load_prostate()
    >>> X.shape, int(train.sum()), names[0]
    ((97, 8), 67, 'lcavol')
    """
    text = resources.files(__name__).joinpath("data", "prostate_esl.csv").read_text("utf-8")
    rows = list(csv.reader(text.splitlines()))
    header, body = rows[0], np.array(rows[1:], dtype=np.float64)
    columns = {name: body[:, i] for i, name in enumerate(header)}
    X = np.column_stack([columns[name] for name in _PROSTATE_FEATURES])
    return X, columns["lpsa"].copy(), list(_PROSTATE_FEATURES), columns["train"] == 1
