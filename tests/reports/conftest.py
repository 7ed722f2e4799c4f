"""Shared fixtures of the reports' tests."""

import pytest


# --- exports ---------------------------------------------------------------------------------
@pytest.fixture
def export_root(settings, tmp_path):
    """Export files go to a temporary folder (settings.EXPORT_ROOT)."""
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings.EXPORT_ROOT
