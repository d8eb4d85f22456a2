"""Real servers for tests, each on a free port (port 0): an HTTP SMS gateway and an SMTP server."""

import asyncio
import json
import socket
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope


class GatewayServer:
    """An SMS gateway in the style of the common HTTP APIs: JSON in, {"id": …} out. It honours client
    references: a reference it has accepted before is answered with the same id and not delivered again.

    Created bound but not listening, so connections are refused until `start()`; `stop_listening()` closes
    the socket again. `invalid_numbers` get HTTP 400; `hold_at` blocks the n-th delivery after recording it
    (to kill a worker while the gateway holds its request)."""

    def __init__(self, *, invalid_numbers=(), status_script=(), hold_at: int | None = None):
        self.lock = threading.Lock()
        self.posts: list[dict] = []  # every request, duplicates included
        self.delivered: dict[str, dict] = {}  # reference -> message, each delivered once
        self.invalid_numbers = set(invalid_numbers)
        self.status_script = list(status_script)  # statuses answered before normal service, e.g. [503, 429]
        self.hold_at = hold_at
        self.holding = threading.Event()
        self.release = threading.Event()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"raw": raw.decode(errors="replace")}
                status, answer = gateway.handle(body, dict(self.headers))
                if status == "hold":
                    gateway.holding.set()
                    gateway.release.wait(30)
                    status = 200
                payload = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    if status == 429:
                        self.send_header("Retry-After", "0")
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
        self.server.daemon_threads = True
        self.server.server_bind()
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/sms/send"
        self.thread: threading.Thread | None = None

    def handle(self, body: dict, headers: dict):
        with self.lock:
            self.posts.append({"body": body, "headers": headers})
            if self.status_script:
                status = self.status_script.pop(0)
                return status, {"error": "try later"}
            to = body.get("to", "")
            if to in self.invalid_numbers:
                return 400, {"error": "invalid destination number"}
            reference = body.get("reference") or f"no-ref-{len(self.posts)}"
            if reference not in self.delivered:
                self.delivered[reference] = {"id": f"gw-{len(self.delivered) + 1}", **body}
            answer = {"id": self.delivered[reference]["id"], "status": "accepted"}
            if self.hold_at is not None and len(self.delivered) == self.hold_at and not self.holding.is_set():
                return "hold", answer
            return 200, answer

    def posts_for(self, reference: str) -> int:
        with self.lock:
            return sum(1 for p in self.posts if p["body"].get("reference") == reference)

    def start(self):
        self.server.server_activate()
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def close(self):
        self.release.set()
        if self.thread is not None:
            self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _PortZeroController(Controller):
    """aiosmtpd's controller on a socket bound to port 0 (a free port), read back before it is used."""

    def __init__(self, handler, **kwargs):
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        super().__init__(handler, hostname="127.0.0.1", port=self._sock.getsockname()[1], **kwargs)

    def _create_server(self):
        return self.loop.create_server(self._factory_invoker, sock=self._sock, ssl=self.ssl_context)


class SmtpServer:
    """A real SMTP server. Recipients in `refuse` get 550 (permanent)."""

    def __init__(self, *, refuse=()):
        self.messages: list = []
        self.refuse = set(refuse)
        server = self

        class Handler:
            async def handle_RCPT(self, smtp, session, envelope: Envelope, address, rcpt_options):
                if address in server.refuse:
                    return "550 5.1.1 mailbox unavailable"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, smtp, session, envelope: Envelope):
                server.messages.append(message_from_bytes(envelope.original_content or envelope.content,
                                                          policy=policy.default))
                return "250 Message accepted for delivery"

        self.controller = _PortZeroController(Handler())
        self.port = self.controller.port

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
        asyncio.set_event_loop(None)
