"""The log a store was upgraded from, while it is kept beside it (`events.log.v1-<date>`):
checked, and linked to the new log's first record, so the signatures made before the
upgrade (which name its id and hashes) are checked against it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.log import LOG_NAME
from core.projections import CopyOrigin, StoreState
from core.verify import Report, verify_log


@dataclass(frozen=True, slots=True)
class EarlierLog:
    origin: CopyOrigin
    path: Path
    report: Report | None
    """None when the file is no longer there."""

    @property
    def linked(self) -> bool:
        """Intact, and exactly the records and last hash the new log's first record names."""
        report = self.report
        return (
            report is not None
            and report.intact
            and (report.records, report.last_hash) == (self.origin.records, self.origin.last_hash)
        )


def earlier_log(directory: Path, state: StoreState) -> EarlierLog | None:
    """The log the store at `directory` was upgraded from, checked; None when it was not
    upgraded (or was copied from elsewhere: a directory or database, checked there)."""
    origin = state.copied_from
    if origin is None or not origin.source.startswith(f"{LOG_NAME}.v") or "/" in origin.source:
        return None
    path = directory / origin.source
    if not path.exists() and not path.is_symlink():
        return EarlierLog(origin, path, None)
    return EarlierLog(origin, path, verify_log(path))
