"""The production web server (`python -m floor.serve`, the Procfile's `web` line): its workers
share the scanners' connections, and it stops as a whole."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="floor.serve needs SO_REUSEPORT (Linux)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, conn: socket.socket | None = None) -> tuple[socket.socket, bytes]:
    """GET the web manifest over `conn` (a new connection if None), kept alive."""
    conn = conn or socket.create_connection(("127.0.0.1", port), timeout=10)
    conn.sendall(b"GET /manifest.webmanifest HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += conn.recv(65536)
    head, body = answer.split(b"\r\n\r\n", 1)
    length = int(
        next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
    )
    while len(body) < length:
        body += conn.recv(65536)
    return conn, head.split(b"\r\n")[0]


def workers(server: subprocess.Popen) -> list[int]:
    """The server's child processes, read off /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == server.pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def connections(pid: int) -> int:
    """The TCP sockets a process holds (its listening socket among them)."""
    fds = Path(f"/proc/{pid}/fd")
    return sum(1 for fd in fds.iterdir() if os.readlink(fd).startswith("socket:"))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def server(tmp_path, collected_static):
    port = free_port()
    env = {
        **os.environ,
        "SECRET_KEY": "floor-serve-test",
        "DEBUG": "0",
        "STATIC_ROOT": str(collected_static),  # the manifest's hashed names, as after a deploy
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    command = [sys.executable, "-m", "floor.serve", "--port", str(port), "--workers", "2"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while True:
        try:
            get(port)[0].close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"floor.serve did not answer: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    process.port = port
    yield process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=40)


def test_scanners_that_connect_together_are_shared_by_the_workers(server):
    pids = workers(server)
    assert len(pids) == 2
    before = {pid: connections(pid) for pid in pids}
    # A shift starting: 32 scanners connect at once, each then keeps its connection.
    opened = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(32)]
    try:
        for conn in opened:
            assert get(server.port, conn)[1] == b"HTTP/1.1 200 OK"
        taken = {pid: connections(pid) - before[pid] for pid in pids}
        assert sum(taken.values()) == 32
        # The kernel spreads them by their addresses: neither worker is left idle (one in 2^31
        # that it happens by chance).
        assert all(count > 0 for count in taken.values()), taken
    finally:
        for conn in opened:
            conn.close()


def test_sigterm_stops_every_worker(server):
    pids = workers(server)
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=40) == 0
    assert not any(alive(pid) for pid in pids)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=2)


def test_a_worker_that_dies_takes_the_server_down_for_the_process_manager_to_restart(server):
    first, second = workers(server)
    os.kill(first, signal.SIGKILL)
    assert server.wait(timeout=40) != 0
    assert not alive(second)


def test_workers_die_with_a_supervisor_killed_outright(server):
    # SIGKILL (the OOM killer, a process manager's last resort) leaves the supervisor no time to
    # pass anything on: each worker must see to it itself, or it goes on serving, and a restarted
    # server binds beside it (SO_REUSEPORT) with two generations answering at once.
    pids = workers(server)
    assert len(pids) == 2
    try:
        server.kill()
        server.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in pids if alive(pid)], "workers outlived their supervisor"
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", server.port), timeout=2)
        # A server started now has the port to itself: no socket listens there any more.
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", server.port))
            sock.listen()
    finally:
        for pid in pids:  # on failure, not left behind to serve the next test's port
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_where_the_kernel_sends_no_signal_a_worker_watches_its_supervisor():
    # The fallback for systems without prctl's parent-death signal, tried here on Linux: a child
    # that only watches its parent, whose parent is then killed outright.
    child = "import sys; from floor.serve import watch; print('watching', flush=True); watch(int(sys.argv[1]))"
    parent = (
        "import os, subprocess, sys;"
        "child = subprocess.Popen([sys.executable, '-c', sys.argv[1], str(os.getpid())]);"
        "print(child.pid, flush=True);"
        "child.wait()"
    )
    process = subprocess.Popen([sys.executable, "-c", parent, child], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    pid = int(process.stdout.readline())
    try:
        assert process.stdout.readline() == "watching\n"
        process.kill()
        process.wait(timeout=10)
        deadline = time.monotonic() + 5
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(pid)
    finally:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
