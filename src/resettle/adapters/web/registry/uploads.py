"""Importing registry files uploaded in the browser or through the API.

The same path as `resettle import` (``read_records``, then ``store_parsed``: assemble and
store), inside the request's one transaction: every problem of every file is collected and
nothing is written, or everything is. Only persons and cases are taken here; localities and
pledges stay with `resettle import`. The audit entry holds counts, never personal data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from tempfile import TemporaryDirectory

from resettle.adapters.db.registry.dedup_import import DuplicateCheck, import_duplicates
from resettle.adapters.db.registry.store import SqlRegistryStore
from resettle.adapters.web.guards import Ctx
from resettle.core import Case, CaseStatus, Issue, RegistryBatch
from resettle.errors import TooLargeError, ValidationError
from resettle.registry import ParsedFile, RecordKind, read_records
from resettle.registry.service import StoreCounts, store_parsed
from resettle.security.policy import Permission, Section, authorize, visible_sections
from resettle.security.views import hidden_fields, keep_hidden

MAX_FILES = 8
MAX_UPLOAD_ROWS = 200_000  # per file; larger registries go through `resettle import`
TAKEN_HERE = (RecordKind.PERSONS, RecordKind.CASES)
CASE_LINKS_SHOWN = 200


@dataclass(frozen=True)
class Upload:
    name: str  # as the user's browser named it; shown in issues, never used as a path
    data: bytes


@dataclass(frozen=True)
class ImportResult:
    issues: tuple[Issue, ...] = ()
    files: tuple[tuple[str, str, int], ...] = ()  # name, kind, records read
    case_ids: tuple[str, ...] = ()  # the cases the files hold, first CASE_LINKS_SHOWN
    cases: int = 0
    persons: int = 0
    counts: StoreCounts = field(default_factory=StoreCounts)
    # Rows that look like persons already registered: reported, the import stands.
    duplicates: DuplicateCheck = field(default_factory=DuplicateCheck)

    @property
    def ok(self) -> bool:
        return not self.issues


def too_large(size: int, limit: int) -> TooLargeError:
    return TooLargeError(f"the upload is {size / 2**20:,.1f} MB, above the limit of "
                         f"{limit / 2**20:,.0f} MB; split it into smaller files (for example "
                         "by case id range), or import it with `resettle import`")


def import_uploads(ctx: Ctx, uploads: Sequence[Upload]) -> ImportResult:
    """Check and store ``uploads`` together; on any problem, write nothing and list them all."""
    authorize(ctx.user, Permission.REGISTRY_IMPORT)
    _check_sizes(uploads, ctx.config.max_upload_bytes)
    names: dict[str, str] = {}
    with TemporaryDirectory(prefix="resettle-upload-") as folder:
        parsed = [_read(Path(folder), index, upload, ctx.config.max_upload_bytes, names)
                  for index, upload in enumerate(uploads)]
    return import_parsed(ctx, parsed, names, f"{len(uploads)} file(s)")


def import_parsed(ctx: Ctx, parsed: list[ParsedFile], names: Mapping[str, str],
                  what: str) -> ImportResult:
    """Store records read from files or typed in a form (``registry.forms``): the same
    checks (sections the user may not write, the workflow's status, assembly against the
    store), all or nothing, audited with counts and case ids only."""
    sections = visible_sections(ctx.user.role)
    parsed = [_refuse_hidden_values(p, sections) for p in parsed]
    ctx.begin_writing()  # parsed without the write lock; checked against the store with it
    try:
        batch, counts = store_parsed(SqlRegistryStore(ctx.session), parsed,
                                     check=workflow_issues,
                                     adjust=lambda b, old: _keep_hidden(b, old, sections))
    except ValidationError as error:
        ctx.session.rollback()  # nothing of the import stays; the audit entry follows alone
        issues = tuple(_renamed(error.issues, names))
        ctx.audit("registry.import", outcome="invalid",
                  detail=f"{what}, {len(issues)} problem(s); nothing written")
        return ImportResult(issues=issues)
    ctx.audit("registry.import", subject_type="case",
              detail=f"{what}: {len(batch.cases)} cases, "
                     f"{batch.persons_count} persons; {counts.inserted} new, {counts.updated} "
                     f"updated, {counts.unchanged} unchanged, {counts.removed} removed")
    ctx.audit_cases("registry.import", counts.changed_cases)
    duplicates = _duplicates(ctx, parsed, batch, names)
    files = tuple((names.get(str(p.path), str(p.path)), p.kind.value if p.kind else "",
                   p.records_count)
                  for p in parsed)
    return ImportResult(files=files, case_ids=tuple(c.case_id for c in batch.cases)
                        [:CASE_LINKS_SHOWN], cases=len(batch.cases),
                        persons=batch.persons_count, counts=counts, duplicates=duplicates)


def _duplicates(ctx: Ctx, parsed: Sequence[ParsedFile], batch: RegistryBatch,
                names: Mapping[str, str]) -> DuplicateCheck:
    """Likely duplicates of the rows just stored, named by the user's files; the registered
    persons they resemble are personal data read, so their cases are audited."""
    check = import_duplicates(ctx.session, parsed, batch)
    if Section.IDENTITY not in visible_sections(ctx.user.role):
        check = replace(check, duplicates=tuple(replace(d, names="", other_names="")
                                                for d in check.duplicates))
    check = replace(check, duplicates=tuple(replace(d, file=names.get(d.file, d.file))
                                            for d in check.duplicates))
    if check.duplicates:
        ctx.audit("dedup.import_check", subject_type="person",
                  detail=f"{len(check.duplicates)} likely duplicate(s) among "
                         f"{check.checked} rows")
        ctx.audit_cases("dedup.import_check",
                        sorted({d.other_case_id for d in check.duplicates}))
    return check


def _refuse_hidden_values(parsed: ParsedFile, sections: frozenset[Section]) -> ParsedFile:
    """A file may not carry values of the sections its user does not see: the user could not
    check them, and they would overwrite what the user cannot see."""
    issues = [Issue("section_not_writable", f"your role does not see {name.replace('_', ' ')}; "
                    "leave this column empty (a protection officer records it)", field=name,
                    row=row, record=person.person_id, file=str(parsed.path))
              for person, row in zip(parsed.persons, parsed.rows or _none(parsed), strict=False)
              for name in hidden_fields(person, sections)]
    return replace(parsed, issues=(*parsed.issues, *issues)) if issues else parsed


def _none(parsed: ParsedFile) -> list[int | None]:
    return [None] * len(parsed.persons)


def _keep_hidden(batch: RegistryBatch, existing: Mapping[str, Case],
                 sections: frozenset[Section]) -> RegistryBatch:
    """Every value of a section the user does not see stays as stored (and is not compared,
    so the import's counts tell nothing about it)."""
    stored = {p.person_id: p for case in existing.values() for p in case.members}
    cases = tuple(replace(case, members=tuple(keep_hidden(p, stored.get(p.person_id), sections)
                                              for p in case.members))
                  for case in batch.cases)
    return replace(batch, cases=cases)


def workflow_issues(batch: RegistryBatch, existing: Mapping[str, Case]) -> list[Issue]:
    """A case moves through the screening workflow only by its steps, never by a file: a new
    case enters as registered, a stored one keeps its status."""
    issues = []
    for case in batch.cases:
        old = existing.get(case.case_id)
        expected = old.status if old is not None else CaseStatus.REGISTERED
        if case.status is not expected:
            what = f"stays {expected}" if old is not None else "enters as registered"
            issues.append(Issue("status_not_imported", f"status {case.status} cannot be set by "
                                f"an upload: the case {what} and moves on through its "
                                "screening steps", field="status", record=case.case_id))
    return issues


def _check_sizes(uploads: Sequence[Upload], limit: int) -> None:
    if not uploads:
        raise ValidationError([Issue("missing_value", "choose at least one file",
                                     field="files")])
    if len(uploads) > MAX_FILES:
        raise ValidationError([Issue("too_many_files", f"upload at most {MAX_FILES} files at "
                                     "once", field="files")])
    total = sum(len(upload.data) for upload in uploads)
    if total > limit:
        raise too_large(total, limit)


def _read(folder: Path, index: int, upload: Upload, limit: int,
          names: dict[str, str]) -> ParsedFile:
    """Written to a private temporary file (the readers take paths) under a safe name."""
    path = folder / f"{index}-{re.sub(r'[^A-Za-z0-9._-]', '_', Path(upload.name).name)[-80:]}"
    path.write_bytes(upload.data)
    names[str(path)] = upload.name
    parsed = read_records(path, max_bytes=limit, max_rows=MAX_UPLOAD_ROWS)
    if parsed.kind is None or parsed.kind in TAKEN_HERE:
        return parsed
    refused = Issue("kind_not_taken", f"this page imports persons and cases; import "
                    f"{parsed.kind.value} with `resettle import`", file=str(path))
    return ParsedFile(path=path, kind=parsed.kind, issues=(*parsed.issues, refused))


def _renamed(issues: Iterable[Issue], names: Mapping[str, str]) -> Iterable[Issue]:
    """Issues name the user's files, never the temporary copies (messages included)."""
    for issue in issues:
        message = issue.message
        for temporary, name in names.items():
            message = message.replace(temporary, name)
        yield replace(issue, file=names.get(issue.file, issue.file), message=message)
