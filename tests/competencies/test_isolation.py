"""The domain package stays free of the web stack."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_importing_competencies_loads_no_web_framework_or_database_library():
    code = (
        "import sys, competencies; "
        "loaded = [m for m in ('flask', 'sqlmodel', 'sqlalchemy') if m in sys.modules]; "
        "print(','.join(loaded))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
