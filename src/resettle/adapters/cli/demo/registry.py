"""The registry files' demo step: export every record kind to CSV and import it back unchanged."""

from __future__ import annotations

from typing import TYPE_CHECKING

from resettle.adapters.cli.options import open_engine
from resettle.adapters.db.engine import make_session_factory
from resettle.adapters.db.registry.store import registry_reader, registry_store
from resettle.registry import RecordKind, service

if TYPE_CHECKING:
    from resettle.adapters.cli.demo import DemoContext


def step_registry_files(ctx: DemoContext) -> None:
    """Demo: export the registry to CSV and import it back; nothing may change."""
    folder = ctx.output_dir / "registry"
    folder.mkdir(parents=True, exist_ok=True)
    engine = open_engine(ctx.database_url)
    factory = make_session_factory(engine)
    try:
        with registry_reader(factory) as store:
            written = {
                kind: service.export_records(store, kind=kind, path=folder / f"{kind.value}.csv")
                for kind in RecordKind
            }
        report = service.import_files(lambda: registry_store(factory),
                                      paths=sorted(folder.glob("*.csv")))
    finally:
        engine.dispose()
    counts = report.counts
    exported = ", ".join(f"{rows} {kind.value}" for kind, rows in written.items())
    ctx.console.rule("registry files: export and re-import")
    ctx.console.print(f"Exported {exported} to {folder}/ (CSV, the format `resettle import` reads)")
    ctx.console.print(
        f"Re-imported them in one transaction: {counts.inserted} new, {counts.updated} updated, "
        f"{counts.unchanged} unchanged"
    )
    ctx.summary["registry files"] = (
        f"exported to {folder}/; re-import changed {counts.inserted + counts.updated} records "
        "(idempotent)"
    )
