"""Where the machine's CPU goes during one benchmark phase: web workers, PostgreSQL, load
generator, everything else. Run by bench/surge.sh beside each phase:

    python3 bench/surge/cpu_split.py SECONDS OUT.json

It reads every process's user+system time from /proc at the start and after SECONDS, groups the
difference by process name, and writes {"web": s, "postgres": s, "wrk": s, "other": s,
"seconds": s}. Processes that start or end inside the window count only for the part it saw
(gunicorn workers and PostgreSQL backends of persistent connections live through the phase).
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
    before = snapshot()
    started = time.monotonic()
    time.sleep(seconds)
    after = snapshot()
    totals = {"web": 0.0, "postgres": 0.0, "wrk": 0.0, "other": 0.0}
    for pid, (group, used) in after.items():
        previous = before.get(pid)
        totals[group] += used - (previous[1] if previous and previous[0] == group else 0.0)
    totals["seconds"] = time.monotonic() - started
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(totals, handle)


if __name__ == "__main__":
    main()
