"""Fixtures for the domain tests: the seed documents, when they are present."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DIR = Path(__file__).resolve().parents[3] / "shared"
SEEDS_DIR = SHARED_DIR / "seeds"
NORMS_MD = SHARED_DIR / "domain" / "NORMS.md"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The seed documents directory; skips the test when it is not next to the repository."""
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS_DIR} (checked only in the monorepo)")
    return SEEDS_DIR


@pytest.fixture(scope="session")
def seed_texts(seeds_dir: Path) -> dict[str, str]:
    """The text of every seed file, by file name."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))}
