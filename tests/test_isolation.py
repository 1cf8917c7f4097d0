"""The shared fixtures (tests/conftest.py) keep every test away from the real home directory,
the real user config and the site config of the machine running the tests."""

from __future__ import annotations

import tempfile

import pytest

from core import config


def test_every_config_and_data_path_is_a_temporary_one(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    root = tmp_path_factory.getbasetemp()
    for path in (
        config.user_config_path(),
        config.default_store_path(),
        config.user_catalog_dir(),
    ):
        assert path.is_relative_to(root), path
    site = config.site_config_path()
    assert site.is_relative_to(tempfile.gettempdir()) and not site.exists(), site
