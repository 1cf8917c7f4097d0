"""Evidence for an auditor without leerpad: per signed sign-off the exact message, its
signature and the allowed_signers lines that admit the key, with the ssh-keygen command
that checks them (`leerpad export PLAN --evidence DIR`)."""

from __future__ import annotations

import os
from pathlib import Path

from core import signoffs, sshsig
from core.export.output import EXIT_OUTPUT, ExportError
from core.i18n import register, t
from core.projections import PlanState, StoreState

register(
    {
        "evidence.not_empty": (
            "Cannot write evidence to {path}: the folder is not empty (name a new folder).",
            "Kan geen bewijsstukken schrijven naar {path}: de map is niet leeg "
            "(geef een nieuwe map).",
        ),
        "evidence.failed": (
            "Cannot write evidence to {path}: {why}.",
            "Kan geen bewijsstukken schrijven naar {path}: {why}.",
        ),
        "evidence.title": (
            "Signed sign-offs of plan {plan} (log {log})",
            "Ondertekende aftekeningen van plan {plan} (logboek {log})",
        ),
        "evidence.intro": (
            "Each signed sign-off has three files: NAME.message (the exact bytes that were "
            "signed), NAME.sig (the SSH signature) and NAME.allowed_signers (the lines of the "
            "administrator's allowed_signers file that admit the key). Check one with OpenSSH's "
            "ssh-keygen, in this folder, with the command under it: it prints 'Good ... "
            "signature' and exits 0 only when the message is exactly what was signed. "
            "verify-time is the moment the signer signed.",
            "Elke ondertekende aftekening heeft drie bestanden: NAAM.message (de exacte bytes "
            "die ondertekend werden), NAAM.sig (de SSH-handtekening) en NAAM.allowed_signers "
            "(de regels uit het allowed_signers-bestand van de beheerder die de sleutel "
            "toelaten). Controleer er een met ssh-keygen van OpenSSH, in deze map, met het "
            "commando eronder: het meldt 'Good ... signature' en eindigt met 0 enkel als het "
            "bericht exact is wat ondertekend werd. verify-time is het moment van ondertekenen.",
        ),
        "evidence.signoff": (
            "Record {seq}: {actor} signed {subject} as {role}, covering change {covers}. "
            "leerpad says: {verdict}.",
            "Record {seq}: {actor} tekende {subject} af als {role}, voor wijziging {covers}. "
            "leerpad zegt: {verdict}.",
        ),
        "evidence.no_lines": (
            "No line of allowed_signers admits this key.",
            "Geen regel van allowed_signers laat deze sleutel toe.",
        ),
    }
)


def write_evidence(
    state: StoreState,
    plan: PlanState,
    folder: Path,
    *,
    lang: str,
    checker: signoffs.Checker | None = None,
) -> list[Path]:
    """Write the evidence files and README into `folder` (new or empty); return them."""
    checker = checker or signoffs.default_checker()
    try:
        folder.mkdir()
    except FileExistsError:
        if not folder.is_dir() or any(folder.iterdir()):
            raise ExportError("evidence.not_empty", EXIT_OUTPUT, path=str(folder)) from None
    except OSError as exc:
        raise _failed(folder, exc) from exc
    readme = [
        t("evidence.title", lang, plan=plan.id, log=state.log_id),
        "",
        t("evidence.intro", lang),
    ]
    written: list[Path] = []
    for signoff in plan.signoffs:
        verdict = signoffs.verdict_of(checker, state, plan, signoff)
        readme += [
            "",
            t(
                "evidence.signoff",
                lang,
                seq=signoff.seq,
                actor=signoff.actor,
                subject=signoff.subject,
                role=t(f"role.{signoff.role}", lang),
                covers=signoff.covers_seq,
                verdict=verdict.text(lang),
            ),
        ]
        message = signoffs.signoff_message(state.log_id, plan.id, signoff)
        if not signoff.signature or message is None or signoff.signed_at is None:
            continue
        name = f"signoff-{signoff.seq}"
        lines = checker.lines_for(signoff)
        files = {
            f"{name}.message": message,
            f"{name}.sig": signoff.signature.encode("ascii", "replace"),
            f"{name}.allowed_signers": "".join(line + "\n" for line in lines).encode(),
        }
        for file_name, data in files.items():
            written.append(_write(folder / file_name, data))
        if not lines:
            readme.append(t("evidence.no_lines", lang))
        readme += [
            "",
            "    "
            + sshsig.verify_line(
                f"{name}.allowed_signers",
                signoff.actor,
                signoffs.NAMESPACE,
                f"{name}.sig",
                f"{name}.message",
                signoff.signed_at,
            ),
        ]
    written.append(_write(folder / "README.txt", ("\n".join(readme) + "\n").encode()))
    return written


def _write(path: Path, data: bytes) -> Path:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
    except OSError as exc:
        raise _failed(path.parent, exc) from exc
    return path


def _failed(folder: Path, exc: OSError) -> ExportError:
    return ExportError("evidence.failed", EXIT_OUTPUT, path=str(folder), why=exc.strerror or exc)
