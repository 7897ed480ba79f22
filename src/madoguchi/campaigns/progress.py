"""A plain progress bar for the management commands (tqdm is not in the lock): one line,
redrawn with a carriage return on a terminal, a line per tenth otherwise."""

from __future__ import annotations

import time
from typing import Any


class ProgressBar:
    def __init__(self, out: Any, *, total: int, label: str, width: int = 30) -> None:
        self.out, self.total, self.label, self.width = out, max(total, 0), label, width
        self.started = time.monotonic()
        self.tty = bool(getattr(out, "isatty", lambda: False)())
        self.last_tenth = -1
        self.done = 0

    def __call__(self, done: int) -> None:
        self.done = done
        fraction = min(done / self.total, 1.0) if self.total else 1.0
        if not self.tty:
            tenth = int(fraction * 10)
            if tenth == self.last_tenth:
                return
            self.last_tenth = tenth
        filled = int(fraction * self.width)
        elapsed = time.monotonic() - self.started
        line = (
            f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{done}/{self.total} {fraction * 100:5.1f}% {elapsed:6.1f}s"
        )
        self.out.write(("\r" + line) if self.tty else (line + "\n"))
        self.out.flush()

    def close(self) -> None:
        if self.tty:
            self.out.write("\n")
            self.out.flush()
