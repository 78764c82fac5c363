# Doctests of shrinkage.nn need PyTorch (the optional extra [torch]); without it,
# `pytest --doctest-modules src` skips this folder instead of failing to import it.
from shrinkage.nn import TORCH_AVAILABLE

collect_ignore_glob = [] if TORCH_AVAILABLE else ["*.py"]
