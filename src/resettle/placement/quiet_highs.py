"""HiGHS instances that print nothing, the first one in a process included.

HiGHS writes its banner ("Running HiGHS ...") to the C-level standard output from the
constructor of the first instance in a process, before any option such as ``output_flag`` can
be set; ``highspy`` offers no quiet constructor. So the first instance is made with file
descriptor 1 pointing at /dev/null for the moment of its construction, which is the only way
to keep a CLI's stdout (JSON, CSV) clean. Later instances are made normally: HiGHS writes the
banner once per process. Every instance gets ``output_flag`` off before it is returned.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading

import highspy

_LOCK = threading.Lock()
_BANNER_SWALLOWED = False


def new_highs() -> highspy.Highs:
    """A fresh HiGHS instance with all output off."""
    global _BANNER_SWALLOWED  # noqa: PLW0603 - once per process, by design
    with _LOCK:
        if _BANNER_SWALLOWED:
            highs = highspy.Highs()  # type: ignore[no-untyped-call]
        else:
            highs = _construct_with_stdout_discarded()
            _BANNER_SWALLOWED = True
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("log_to_console", False)
    return highs


def _flush_c_stdio() -> None:
    with contextlib.suppress(OSError, AttributeError):  # no C library found: nothing to flush
        ctypes.CDLL(None).fflush(None)


def _construct_with_stdout_discarded() -> highspy.Highs:
    sys.stdout.flush()
    _flush_c_stdio()  # whatever was written before stays on the real stdout
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as sink:
            os.dup2(sink.fileno(), 1)
        highs = highspy.Highs()  # type: ignore[no-untyped-call]
        _flush_c_stdio()  # the banner goes to /dev/null, not into a later write
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    return highs
