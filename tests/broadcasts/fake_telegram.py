"""A fake Telegram Bot API on loopback: an HTTP server in a thread on a free port that records every
request and answers sendMessage like Telegram does, or with the answers a test queues (a 429 with
retry_after, a 400 "chat not found", a slow answer...).

Use the `fake_telegram` fixture: it points settings.TELEGRAM_BOT_API_URL at the server, sets a
token, and lifts the channels' rates so a test never waits for the token bucket."""

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

TOKEN = "123456:TEST-token-for-the-fake-bot-api"  # noqa: S105


@dataclass
class Answer:
    status: int
    body: Any
    delay: float = 0.0


@dataclass
class Request:
    path: str
    body: dict[str, Any]


@dataclass
class FakeTelegram:
    url: str = ""
    requests: list[Request] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_message_id: int = 100

    def answer(self, status: int, body: Any, *, delay: float = 0.0, times: int = 1) -> None:
        """Answer the next `times` requests with this instead of a success."""
        with self.lock:
            self.answers.extend(Answer(status, body, delay) for _ in range(times))

    def throttle(self, retry_after: int) -> None:
        self.answer(
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after},
            },
        )

    def refuse(self, status: int = 400, description: str = "Bad Request: chat not found") -> None:
        self.answer(status, {"ok": False, "error_code": status, "description": description})

    @property
    def posts(self) -> list[dict[str, Any]]:
        """The body of every request, in the order they came."""
        return [request.body for request in self.requests]

    def _handle(self, path: str, body: dict[str, Any]) -> Answer:
        with self.lock:
            self.requests.append(Request(path, body))
            if self.answers:
                return self.answers.pop(0)
            if path != f"/bot{TOKEN}/sendMessage":
                return Answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            self.next_message_id += 1
            return Answer(
                200,
                {
                    "ok": True,
                    "result": {
                        "message_id": self.next_message_id,
                        "chat": {"id": -1001000000000, "type": "channel"},
                        "date": int(time.time()),
                        "text": body.get("text", ""),
                    },
                },
            )


def _handler(fake: FakeTelegram) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802  (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {"unparsed": raw.decode(errors="replace")}
            answer = fake._handle(self.path, body)
            if answer.delay:
                time.sleep(answer.delay)
            data = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                return  # the client gave up waiting (a timeout test)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    return Handler


@pytest.fixture
def fake_telegram(settings) -> Iterator[FakeTelegram]:
    fake = FakeTelegram()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.TELEGRAM_BOT_API_URL = fake.url
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_TIMEOUT_SECONDS = 5.0
    settings.OUTREACH_CHANNEL_RATES = {"email": 1000.0, "telegram": 1000.0}
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
