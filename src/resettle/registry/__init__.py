"""Registry: intake (parse and validate records), case assembly, import and export formats.

Pure Python: the database and the CLI call these functions, never the other way round.
"""

from resettle.registry.assemble import assemble_batch
from resettle.registry.columns import COLUMNS, Column
from resettle.registry.export import write_records
from resettle.registry.intake import read_records
from resettle.registry.records import (
    DEFAULT_MAX_BYTES,
    CaseHeader,
    FileFormat,
    ParsedFile,
    Progress,
    RecordKind,
)

__all__ = [
    "COLUMNS",
    "DEFAULT_MAX_BYTES",
    "CaseHeader",
    "Column",
    "FileFormat",
    "ParsedFile",
    "Progress",
    "RecordKind",
    "assemble_batch",
    "read_records",
    "write_records",
]
