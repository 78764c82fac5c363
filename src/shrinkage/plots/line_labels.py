"""Labels at the right end of lines, spread apart so that none overlaps another.

Each label is an annotation whose anchor is its line's last point and whose text sits
just right of the axes. The vertical positions are chosen when the figure is drawn (the
axes' size is only final then, e.g. under constrained layout): the positions closest to
the anchors, in the least-squares sense, that keep neighbours at least one text height
apart (:func:`spread`).
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist

__all__ = ["label_line_ends", "spread"]


def spread(positions, gap: float, low: float = -np.inf, high: float = np.inf) -> np.ndarray:
    """Positions as close as possible to ``positions`` that are at least ``gap`` apart.

    Minimises ``Σ (t_k − y_k)²`` subject to ``t_(k+1) − t_k ≥ gap`` in the order of
    ``positions``: with ``t_k = s_k + k·gap`` this is the isotonic regression of
    ``y_k − k·gap`` (pool adjacent violators). Then the whole arrangement is kept inside
    ``[low, high]`` where it fits, without closing any gap.

    Parameters
    ----------
    positions : array-like of shape (n,)
    gap : float
    low, high : float
        Bounds for the results (ignored where n labels do not fit between them).

    Returns
    -------
    ndarray of shape (n,)
        In the order of ``positions``.

    Examples
    --------
    >>> spread([0.0, 0.1, 0.2, 5.0], 1.0)
    array([-0.9,  0.1,  1.1,  5. ])
    >>> spread([0.0, 0.0], 1.0, low=0.0)
    array([0., 1.])
    """
    positions = np.asarray(positions, dtype=np.float64)
    n = positions.size
    order = np.argsort(positions, kind="stable")
    target = positions[order] - gap * np.arange(n)
    # pool adjacent violators: blocks of (mean, size), merged while the means decrease
    means, sizes = [], []
    for value in target:
        means.append(value)
        sizes.append(1)
        while len(means) > 1 and means[-2] > means[-1]:
            size = sizes[-2] + sizes[-1]
            means[-2] = (means[-2] * sizes[-2] + means[-1] * sizes[-1]) / size
            sizes[-2] = size
            means.pop()
            sizes.pop()
    fitted = np.repeat(means, sizes)
    if n and high - low >= gap * (n - 1):
        fitted = np.clip(fitted, low, high - gap * (n - 1))  # clip is monotone: gaps stay
    result = np.empty(n)
    result[order] = fitted + gap * np.arange(n)
    return result


class _SpreadLabels(Artist):
    """Draws nothing; placed before the labels in the draw order, it moves them."""

    def __init__(self, ax, annotations):
        super().__init__()
        self._ax = ax
        self._annotations = annotations
        self.set_zorder(-np.inf)
        self.set_in_layout(False)

    def draw(self, renderer):
        if not self._annotations:
            return
        ax = self._ax
        to_pixels = ax.transData.transform
        anchors = np.array([to_pixels(a.xy)[1] for a in self._annotations])
        gap = max(renderer.points_to_pixels(a.get_fontsize()) for a in self._annotations)
        gap *= 1.15  # line spacing: the text's box is a little taller than its font size
        box = ax.get_window_extent(renderer)
        placed = spread(anchors, gap, box.y0 + gap / 2, box.y1 - gap / 2)
        to_data = ax.transData.inverted().transform
        for annotation, y in zip(self._annotations, placed, strict=True):
            annotation.xyann = (annotation.xyann[0], to_data((box.x1, y))[1])
        self.stale = False


def label_line_ends(ax, lines, labels, *, fontsize: float = 7.0, pad: float = 0.02):
    """Label each line at its last point, the text just right of the axes, spread apart.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    lines : sequence of matplotlib.lines.Line2D
    labels : sequence of str
        Drawn as given (escape data-supplied text with :func:`~.text.plain_text`).
    fontsize : float
    pad : float
        Gap between the axes and the texts, as a fraction of the axes width.

    Returns
    -------
    list of matplotlib.text.Annotation
        In the order of ``lines``; a thin line of each line's colour leads to its label.
    """
    annotations = []
    for line, label in zip(lines, labels, strict=True):
        x, y = line.get_xdata(), line.get_ydata()
        colour = line.get_color()
        annotations.append(ax.annotate(
            label, xy=(x[-1], y[-1]), xycoords="data", xytext=(1.0 + pad, y[-1]),
            textcoords=ax.get_yaxis_transform(), fontsize=fontsize, color=colour,
            va="center", ha="left", annotation_clip=False,
            arrowprops=dict(arrowstyle="-", color=colour, lw=0.5, alpha=0.7,
                            shrinkA=0, shrinkB=1),
        ))  # fmt: skip
    ax.add_artist(_SpreadLabels(ax, annotations))
    return annotations
