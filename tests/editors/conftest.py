"""The editor tests import their shared helpers (editor_harness.py) from this directory."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
