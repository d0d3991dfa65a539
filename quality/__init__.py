"""Quality gates run by `make check`: checkers written by others, on the live portal.

Each gate is a function that returns findings; `python -m quality` serves the
portal with demo data, runs the gates and fails when any gate has findings.
See docs/quality.md.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
REPORTS_DIR = BASE_DIR / "reports" / "quality"
NODE_MODULES = PACKAGE_DIR / "node_modules"
