"""Ending the ``cfcs-qa`` process without tearing the interpreter down, once a command is done.

At exit CPython takes every module apart and frees every object one at a time. After ``kpis``
on a large extract that is over a gigabyte of frames and hundreds of thousands of objects:
0.14-0.19 s on the benchmark extract, a tenth of a cached run, spent handing back memory that
the kernel takes back at once when the process ends. ``leave`` ends the process with
``os._exit`` instead, after doing what an ordinary exit does that matters:
- waiting for the work cfcs-qa left running in the background (the cache entry being written,
  files being hashed) and for any other thread of its own;
- running the exit handlers registered with ``atexit`` (logging's, temporary folders');
- flushing standard output and standard error.

It ends the ordinary way instead (``SystemExit``, so nothing is skipped) whenever it cannot be
sure: a thread cfcs-qa did not start is still running, the audit store was opened (a database
connection is closed at exit, not dropped), or flushing fails (a closed pipe: Python reports
it as it always does). Only the console script leaves this way; ``main.run``, which tests call
in-process, returns or raises as before.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from typing import NoReturn

OURS = "cfcs-qa-"
"""The prefix of the name of every thread cfcs-qa starts."""
JOIN_SECONDS = 1.0
"""How long a thread of cfcs-qa's own still running is waited for before the ordinary exit is
taken instead."""
CACHE_MODULE = "cfcs_qa.ingest.cache"
"""The module whose background work (entries being written, files being hashed) is waited for."""
STORE_MODULE = "sqlalchemy"
"""Imported only by the commands that open the audit store."""
INTERRUPTED = ("Interrupted while waiting for the work left in the background (the cache "
               "entry being written): the command's output is complete; an unfinished entry "
               "is never used, and a later run removes it.\n")


def leave(code: int) -> NoReturn:
    """End the process with ``code``: at once when it is safe (see the module), else by
    ``SystemExit``."""
    try:
        finished = STORE_MODULE not in sys.modules and _background_finished()
    except KeyboardInterrupt:
        _interrupted()
    if not finished:
        raise SystemExit(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None
    os._exit(code)


def _interrupted() -> NoReturn:
    """Ctrl-C while waiting for the background work: the command's output is kept, and the
    cache entry being written is left in its private temporary folder, never served and
    removed by a later run (``cache._prune``)."""
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
        sys.stderr.write(INTERRUPTED)
        sys.stderr.flush()
    os._exit(130)


def _background_finished() -> bool:
    """Wait for cfcs-qa's background work; False when a non-daemon thread other than the
    main one is still running after that (the ordinary exit waits for it, however long)."""
    # not imported: none of its work runs, and a light command (--help) must not pay for
    # importing it (pydantic, through the settings) just to exit
    cache = sys.modules.get(CACHE_MODULE)
    if cache is not None:
        cache.finish_background()
    main = threading.main_thread()
    for thread in threading.enumerate():
        if thread is main or thread.daemon:
            continue
        if not thread.name.startswith(OURS):
            return False
        thread.join(timeout=JOIN_SECONDS)  # one just ending, or a read ahead not taken
        if thread.is_alive():
            return False
    return True
