"""Test doubles for a pack station's devices: real TCP servers on 127.0.0.1, each in a thread.

    with FakePrinter() as printer:            # takes raw ZPL on a free port, as a Zebra on 9100
        station.printer_host, station.printer_port = printer.host, printer.port
        ...
        assert printer.received == [zpl.encode()]   # one bytes object per connection

    with FakeScale(weight="1.234") as scale:  # answers MT-SICS "SI" with "S S      1.234 kg"
        station.scale_host, station.scale_port = scale.host, scale.port

A refusing printer or scale is a port nothing listens on: `closed_port()`; a printer "coming up"
later is `FakePrinter(port=that_port)`.
"""

import select
import socket
import threading
import time
from abc import ABC, abstractmethod

HOST = "127.0.0.1"


def closed_port() -> int:
    """A port on 127.0.0.1 that refuses connections (just freed; nothing listens on it)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class _Server(ABC):
    """Serves one connection at a time with `serve`, in a thread; stops on exit."""

    def __init__(self, port: int = 0):
        self.host = HOST
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((HOST, port))
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        # Held from accepting a connection to its end, so `settle` can tell when all are served.
        self._serving = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._listener.listen(8)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(10)
        self._listener.close()

    def _waiting(self, timeout: float) -> bool:
        return bool(select.select([self._listener], [], [], timeout)[0])

    def _run(self):
        while not self._stop.is_set():
            if not self._waiting(0.05):
                continue
            with self._serving:
                connection, _ = self._listener.accept()
                try:
                    with connection:
                        connection.settimeout(5)
                        self.serve(connection)
                except OSError:
                    pass  # the client went away: what it sent so far is recorded

    def settle(self, timeout: float = 5.0):
        """Wait until every connection made so far has been served to its end."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._serving:
                if not self._waiting(0):
                    return
            time.sleep(0.01)
        raise AssertionError(f"{type(self).__name__} still busy after {timeout} s")

    @abstractmethod
    def serve(self, connection: socket.socket):
        """Answer one connection, as the device would."""


class FakePrinter(_Server):
    """A ZPL printer on raw TCP: records what each connection sent, up to its close."""

    def __init__(self, port: int = 0):
        super().__init__(port)
        self._received: list[bytes] = []

    def serve(self, connection):
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
        self._received.append(data)

    @property
    def received(self) -> list[bytes]:
        """What each connection sent, in order (once a connection in progress has closed)."""
        self.settle()
        return list(self._received)


class FakeScale(_Server):
    """An MT-SICS scale: answers each "SI" with the next of `replies` (the last one repeats),
    by default a steady `weight` in `unit`. `silent=True`: accepts, never answers."""

    def __init__(self, weight: str = "1.234", *, unit: str = "kg", replies=None, silent=False, port: int = 0):
        super().__init__(port)
        self.replies = list(replies) if replies else [f"S S {weight:>10} {unit}"]
        self.silent = silent
        self.commands: list[str] = []

    def serve(self, connection):
        pending, answered = b"", 0
        while chunk := connection.recv(1024):
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                self.commands.append(line.decode().strip())
                if self.silent:
                    continue
                reply = self.replies[min(answered, len(self.replies) - 1)]
                answered += 1
                connection.sendall(reply.encode() + b"\r\n")
