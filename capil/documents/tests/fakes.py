"""Local fakes of the outside services the signer talks to, each an HTTP server on a free port (port 0):
a signing service in the style of the BSrE API, and an RFC 3161 time-stamp server."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, utils


class FakeSigningService:
    """Modes: "ok"; "slow_after_signing" (signs, then answers too late); "lost_first" (the first call is
    never processed and answers too late); "pending" (the first call hangs and its status stays PENDING)."""

    def __init__(self, *, key, certificate, chain, nik: str, passphrase: str, delay: float = 1.0):
        self.key, self.nik, self.passphrase, self.delay = key, nik, passphrase, delay
        self.certificate_der = certificate.public_bytes(serialization.Encoding.DER)
        self.chain_der = [c.public_bytes(serialization.Encoding.DER) for c in chain]
        self.mode = "ok"
        self.posts: list[dict] = []
        self.signed: dict[str, str] = {}
        self.signatures_made = 0
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_GET(self):  # noqa: N802
                parts = self.path.strip("/").split("/")
                if parts[:3] == ["api", "v2", "signers"] and parts[-1] == "certificate":
                    if parts[3] != service.nik:
                        return self._json(404, {"error": "unknown"})
                    return self._json(200, {"certificate": base64.b64encode(service.certificate_der).decode(),
                                            "chain": [base64.b64encode(c).decode() for c in service.chain_der]})
                if parts[:4] == ["api", "v2", "sign", "requests"]:
                    request_id = parts[4]
                    with service.lock:
                        if request_id in service.signed:
                            return self._json(200, {"status": "SIGNED", "signature": service.signed[request_id]})
                        if service.mode == "pending" and any(p["request_id"] == request_id for p in service.posts):
                            return self._json(200, {"status": "PENDING"})
                    return self._json(404, {"error": "not found"})
                return self._json(404, {"error": "no route"})

            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with service.lock:
                    service.posts.append(body)
                    first = len(service.posts) == 1
                    mode = service.mode
                if body.get("nik") != service.nik or body.get("passphrase") != service.passphrase:
                    return self._json(401, {"error": "passphrase salah"})
                request_id = body["request_id"]
                if first and mode in ("lost_first", "pending"):
                    time.sleep(service.delay)
                    return self._json(503, {"error": "lost"})
                with service.lock:
                    signature = service.signed.get(request_id)
                    if signature is None:
                        digest = base64.b64decode(body["hash"])
                        raw = service.key.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
                        signature = base64.b64encode(raw).decode()
                        service.signed[request_id] = signature
                        service.signatures_made += 1
                if first and mode == "slow_after_signing":
                    time.sleep(service.delay)
                return self._json(200, {"request_id": request_id, "status": "SIGNED", "signature": signature})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class FakeTimeStampServer:
    """An RFC 3161 time-stamp authority over HTTP, answering with pyHanko's DummyTimeStamper."""

    def __init__(self, *, key, certificate):
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        self.requests = 0
        stamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
            tsa_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())))
        server_state = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802
                request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
                response = asyncio.run(stamper.async_request_tsa_response(request)).dump()
                server_state.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(response)))
                self.end_headers()
                self.wfile.write(response)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/tsa"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
