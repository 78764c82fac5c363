"""The HTML report: one self-contained page that answers "which features matter, how sure
are we, and should I use L1, L2 or a mix?", with an interactive α explorer inside.

``write_report`` writes it atomically; ``build_report`` returns the HTML string. Every
model minimises ``1/(2n)‖y − Xw − b‖² + α·penalty(w)`` (or the mean log-loss plus the
penalty for classification, half the mean Poisson deviance plus the penalty for counts)
on standardised features.
"""

from .analysis import ReportData, analyse
from .html import build_report, package_versions, write_report

__all__ = ["ReportData", "analyse", "build_report", "package_versions", "write_report"]
