"""Input checks shared by the functional API and the estimators: one module for both.

- :mod:`.data` — X, y, sample weights, columns, and the representability of a result;
- :mod:`.options` — α and its grid, tolerances, budgets, flags and penalty weights.
"""

from .data import *  # noqa: F403
from .data import __all__ as _data
from .options import *  # noqa: F403
from .options import __all__ as _options

__all__ = [*_data, *_options]
