"""Where the machine's CPU goes during one benchmark phase: web workers, PostgreSQL, load
generator, everything else. Run by bench/surge.sh beside each phase:

    python3 bench/surge/cpu_split.py SECONDS OUT.json

It reads every process's user+system time from /proc every half second for SECONDS, groups
what each used inside the window by program, and writes {"web": s, "postgres": s, "wrk": s,
"other": s, "seconds": s}. A process that ends inside the window counts up to its last sample.
"""

from __future__ import annotations

import json
import os
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def snapshot() -> dict[int, tuple[str, float]]:
    seen: dict[int, tuple[str, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as handle:
                raw = handle.read()
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        seen[int(entry)] = (_group(name, cmdline), (int(fields[11]) + int(fields[12])) / TICK)
    return seen


def _group(name: str, cmdline: str) -> str:
    if "gunicorn" in cmdline:
        return "web"
    if name.startswith("postgres") or "postgres:" in cmdline:
        return "postgres"
    if name == "wrk":
        return "wrk"
    return "other"


def main() -> None:
    seconds, out = float(sys.argv[1]), sys.argv[2]
    # Sampled every half second, so a process that ends inside the window (a database backend
    # whose connection reached its maximum age) still counts up to its last sample.
    first = snapshot()
    last = dict(first)
    started = time.monotonic()
    while (left := seconds - (time.monotonic() - started)) > 0:
        time.sleep(min(0.5, left))
        for pid, seen in snapshot().items():
            if pid in first and first[pid][0] != seen[0]:
                first[pid] = (seen[0], 0.0)  # the pid was reused by another program
            last[pid] = seen
    totals = {"web": 0.0, "postgres": 0.0, "wrk": 0.0, "other": 0.0}
    for pid, (group, used) in last.items():
        totals[group] += used - first.get(pid, (group, 0.0))[1]
    totals["seconds"] = time.monotonic() - started
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(totals, handle)


if __name__ == "__main__":
    main()
