"""Reproducible sealed texts for stores whose hashes tests compare byte for byte (goldens,
snapshots): plan keys and nonces from a seeded generator. Never reuse nonces outside tests."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from unittest import mock


@contextmanager
def deterministic_sealing(seed: int = 0x5EA1) -> Iterator[None]:
    draw = random.Random(seed).randbytes
    with (
        mock.patch("core.privacy.urandom", draw),
        mock.patch("core.keystore.secrets", SimpleNamespace(token_bytes=draw)),
    ):
        yield
