"""``python -m shrinkage.cli``: the same as the ``shrinkage`` command."""

from .main import main

if __name__ == "__main__":
    raise SystemExit(main())
