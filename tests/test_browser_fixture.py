"""The browser tests' Chromium requirement follows the services rule: skip locally, fail in CI."""

from __future__ import annotations

import pytest

from tests import conftest
from tests.browser import test_screens


def test_missing_chromium_fails_under_ci(monkeypatch):
    monkeypatch.setattr(test_screens.shutil, "which", lambda name: None)
    monkeypatch.setattr(conftest, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="Chromium is not installed"):
        test_screens.chromium_path()


def test_missing_chromium_skips_locally(monkeypatch):
    monkeypatch.setattr(test_screens.shutil, "which", lambda name: None)
    monkeypatch.setattr(conftest, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="Chromium is not installed"):
        test_screens.chromium_path()


def test_installed_chromium_is_used(monkeypatch):
    monkeypatch.setattr(test_screens.shutil, "which", lambda name: "/opt/chromium")
    assert test_screens.chromium_path() == "/opt/chromium"
