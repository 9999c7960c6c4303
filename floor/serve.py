"""The production web server: uvicorn processes, each listening on a socket of its own.

uvicorn's own `--workers` share one listening socket, and a worker's event loop accepts every
connection that is waiting when it wakes. Scanners that connect together (a shift starting, a
proxy opening its upstream connections) all land on one worker, which runs their requests on one
core while the others idle: in the bench, 16 scanners gave one worker 96 % of a core and the other
nothing. Here each worker listens on a socket of its own bound to the same port (SO_REUSEPORT),
and the kernel spreads new connections over them by their addresses.

    python -m floor.serve [--host H] [--port P] [--workers N]

A worker that exits stops the rest and the server exits with its code, for the process manager
(honcho, systemd) to restart the whole; SIGTERM and SIGINT are passed on to the workers, which
finish the requests in hand. A supervisor killed outright (SIGKILL, the OOM killer) can pass nothing
on: each worker then stops by itself, as on SIGTERM, so that no worker of an old server goes on
answering beside a new one.
"""

import argparse
import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time

APPLICATION = "floor.asgi:application"
STOP_SECONDS = 30
# What Floor asks of uvicorn: websockets by the sans-I/O implementation, no lifespan events (the
# application has none), no access log (a line per scan is noise; errors are logged).
UVICORN = {"ws": "websockets-sansio", "lifespan": "off", "access_log": False}
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def listening_socket(host: str, port: int, backlog: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    return sock


def die_with(supervisor: int) -> None:
    """Have this worker sent SIGTERM when its supervisor dies, however it dies.

    Its listening socket shares the port (SO_REUSEPORT): an orphan would go on taking connections
    beside the workers of the next server. On Linux the kernel sends the signal (the parent-death
    signal, which outlives exec); elsewhere a thread watches the parent.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGTERM)) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG)")
    except (AttributeError, OSError):  # not Linux (no prctl), or refused
        threading.Thread(target=watch, args=(supervisor,), name="watch-supervisor", daemon=True).start()
    # The supervisor may have died before the signal was asked for, and then none will come.
    if os.getppid() != supervisor:
        raise SystemExit("floor.serve: the supervisor is gone; this worker does not start")


def watch(supervisor: int) -> None:
    while os.getppid() == supervisor:  # an orphan is handed to another parent
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGTERM)


def work(fd: int, backlog: int) -> None:
    """One worker: uvicorn serving the application on the listening socket it was handed."""
    import uvicorn

    sock = socket.socket(fileno=fd)  # its family (IPv4, IPv6) read off the socket itself
    config = uvicorn.Config(APPLICATION, backlog=backlog, **UVICORN)
    uvicorn.Server(config).run(sockets=[sock])


def supervise(host: str, port: int, workers: int, backlog: int) -> int:
    first = listening_socket(host, port, backlog)
    port = first.getsockname()[1]  # the port given, or the one the system chose for port 0
    sockets = [first] + [listening_socket(host, port, backlog) for _ in range(workers - 1)]
    children = []
    for sock in sockets:
        command = [sys.executable, "-m", "floor.serve", "--worker-fd", str(sock.fileno()), "--backlog", str(backlog)]
        command += ["--supervisor", str(os.getpid())]
        children.append(subprocess.Popen(command, pass_fds=[sock.fileno()]))  # noqa: S603 — our own module
        # Only the worker holds it now: were the worker gone, no connection would wait on it.
        sock.close()
    print(f"floor.serve: {workers} uvicorn workers on {host}:{port}", file=sys.stderr, flush=True)

    stopping = []

    def pass_on(signum, _frame):
        stopping.append(signum)
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    signal.signal(signal.SIGTERM, pass_on)
    signal.signal(signal.SIGINT, pass_on)

    pid, status = os.wait()  # the first worker to exit, for whatever reason
    code = os.waitstatus_to_exitcode(status)
    for child in children:
        if child.pid != pid and child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    if stopping:  # asked to stop, and stopped: the workers re-raise the signal they were sent
        return 0
    return code if code >= 0 else 128 - code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backlog", type=int, default=2048)
    parser.add_argument("--worker-fd", type=int, help=argparse.SUPPRESS)  # how a worker is started
    parser.add_argument("--supervisor", type=int, help=argparse.SUPPRESS)  # the pid it dies with
    args = parser.parse_args(argv)
    if args.worker_fd is not None:
        if args.supervisor is not None:
            die_with(args.supervisor)
        work(args.worker_fd, args.backlog)
        return 0
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    return supervise(args.host, args.port, args.workers, args.backlog)


if __name__ == "__main__":
    sys.exit(main())
