"""CPU seconds of processes, read from /proc (psutil is not a dependency)."""

import os

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(name, parent pid, CPU seconds), or None when the process is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return None
    name = data[data.index("(") + 1 : data.rindex(")")]
    fields = data[data.rindex(")") + 2 :].split()
    # Fields 4 (ppid) and 14-17 (utime, stime, and those of its children already reaped: the
    # PostgreSQL backend of a closed connection) of proc(5), counted from "state" = field 3.
    return name, int(fields[1]), sum(int(f) for f in fields[11:15]) / TICK


def _all() -> dict[int, tuple[str, int, float]]:
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            stats[int(entry)] = stat
    return stats


def cpu_seconds(*, tree_of: int | None = None, named: str | None = None) -> float:
    """CPU seconds used so far by a process and its descendants, or by all processes of a name."""
    stats = _all()
    if named is not None:
        return sum(cpu for name, _, cpu in stats.values() if name == named)
    pids, grew = {tree_of}, True
    while grew:
        more = {pid for pid, (_, ppid, _) in stats.items() if ppid in pids} - pids
        pids |= more
        grew = bool(more)
    return sum(stats[pid][2] for pid in pids if pid in stats)


def machine_busy_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (everything but idle and iowait)."""
    with open("/proc/stat") as f:
        user, nice, system, idle, iowait, irq, softirq, steal = map(int, f.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / TICK
