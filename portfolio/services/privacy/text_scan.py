"""The privacy scan over a form's free texts (`competencies.scan_text`, issue 14 point 9)."""

from __future__ import annotations

import competencies


def scan_texts(texts: dict[str, str | None]) -> dict[str, list[competencies.Finding]]:
    """{name: findings} of the privacy scan, for the texts that have any."""
    found = {}
    for name, text in texts.items():
        findings = competencies.scan_text(text) if text else []
        if findings:
            found[name] = findings
    return found
