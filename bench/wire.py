"""A lean HTTP/1.1 client over asyncio streams: one keep-alive connection per simulated scanner,
cookies kept per scanner, and only the parsing a scanner's answers need (status line, headers,
Content-Length or chunked body, Set-Cookie). No Django here: the load client must stay small."""

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

# uvicorn closes a keep-alive connection after 5 s idle; reconnect before that rather than race it.
IDLE_RECONNECT_S = 4.0


class ProtocolError(ValueError):
    pass


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    cookies: dict[str, str]
    body: bytes

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def ok_page(response: Response) -> str | None:
    """The default check: a 2xx/3xx answer without the scanner's error band."""
    if not 200 <= response.status < 400:
        return f"HTTP {response.status}"
    if b"feedback-error" in response.body:
        return "feedback-error"
    return None


@dataclass
class Request:
    method: str
    path: str
    form: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # Returns None when the answer is right, else a short reason (counted as an error).
    check: object = ok_page


class Scanner:
    """One simulated handheld: its number, its connection and its cookies."""

    def __init__(self, n: int, host: str, port: int):
        self.n, self.host, self.port = n, host, port
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.last_used = 0.0
        self.reconnects = 0

    async def send(self, request: Request) -> Response:
        fresh = await self._ensure_connection()
        data = self._encode(request)
        try:
            response = await self._exchange(data)
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            # A reused connection the server closed just now: try once more on a new one.
            if fresh or (isinstance(exc, asyncio.IncompleteReadError) and exc.partial):
                raise
            self.close()
            await self._ensure_connection()
            response = await self._exchange(data)
        self.last_used = time.monotonic()
        for name, value in response.cookies.items():
            if value:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        if response.headers.get("connection", "").lower() == "close":
            self.close()
        return response

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def _ensure_connection(self) -> bool:
        if self.writer is not None and (time.monotonic() - self.last_used > IDLE_RECONNECT_S or self.reader.at_eof()):
            self.close()
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            self.reconnects += 1
            return True
        return False

    def _encode(self, request: Request) -> bytes:
        body = urlencode(request.form).encode() if request.form is not None else b""
        lines = [
            f"{request.method} {request.path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "User-Agent: floor-bench",
            "Accept: text/html",
        ]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        for name, value in request.headers.items():
            lines.append(f"{name}: {value}")
        if request.form is not None:
            lines.append("Content-Type: application/x-www-form-urlencoded")
        if request.form is not None or request.method not in ("GET", "HEAD"):
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body

    async def _exchange(self, data: bytes) -> Response:
        self.writer.write(data)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        try:
            status = int(lines[0].split(" ", 2)[1])
        except (IndexError, ValueError):
            raise ProtocolError(f"bad status line {lines[0]!r}") from None
        headers, cookies = {}, {}
        for line in lines[1:]:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                pair = value.split(";", 1)[0]
                cookie, _, cookie_value = pair.partition("=")
                if "max-age=0" in value.lower():
                    cookie_value = ""
                cookies[cookie.strip()] = cookie_value.strip().strip('"')
            else:
                headers[name] = value
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = await self._chunked()
        elif status in (204, 304) or status < 200:
            body = b""
        else:
            body = await self.reader.read()
            self.close()
        return Response(status, headers, cookies, body)

    async def _chunked(self) -> bytes:
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                # Trailers, if any, end with an empty line.
                while await self.reader.readuntil(b"\r\n") != b"\r\n":
                    pass
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)
