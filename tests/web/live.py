"""Real servers for the deployment tests: ``lacgraph serve`` as a subprocess and Debian's
nginx as a TLS-terminating proxy in front of it, both on free 127.0.0.1 ports, and a small
HTTP client (cookies, forms, multipart uploads) over the standard library."""

from __future__ import annotations

import html
import http.cookiejar
import re
import secrets
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NGINX = "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 90,
             context: ssl.SSLContext | None = None) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with status {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {seconds} s")
        time.sleep(0.2)


@contextmanager
def lacgraph_serve(source: Path | str, app_db: Path, *extra: str,
                   env: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``lacgraph serve SOURCE`` on a free port (``env`` added to its environment, e.g.
    ``NEO4J_PASSWORD`` for a Bolt URI); yield its base URL."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("lacgraph")), "serve", str(source),
               "--port", str(port), "--app-db", str(app_db), "--threads", "4", *extra]
    log = open(Path(app_db).with_suffix(".serve.log"), "w+")  # noqa: SIM115
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, text=True,
                               env={"LACGRAPH_PSEUDONYM_KEY": "live test key",
                                    "PATH": "/usr/bin:/bin", **(env or {})})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz", process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 (the openssl command line tool)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


NGINX_CONF = """
worker_processes 1;
daemon off;
master_process off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{server}
}}
"""


DEPLOYED_NGINX = Path(__file__).resolve().parents[2] / "deploy" / "nginx-lacgraph.conf"
"""The nginx site council IT installs (deploy/README.md); the TLS test runs this very file."""


def nginx_server_block(listen: int, upstream: int, cert: Path, key: Path,
                       upload_mb: int = 200) -> str:
    """deploy/nginx-lacgraph.conf with this test's ports, certificate and upload limit.

    Each value is replaced where the file has it, and must be there exactly as often as
    expected: a changed file fails here rather than being tested half-substituted.
    """
    text = DEPLOYED_NGINX.read_text(encoding="utf-8")
    for old, new, times in (
            ("listen 443 ssl;", f"listen 127.0.0.1:{listen} ssl;", 1),
            ("server_name lacgraph.example.gov.uk;", "server_name 127.0.0.1;", 1),
            ("ssl_certificate /etc/ssl/lacgraph.pem;", f"ssl_certificate {cert};", 1),
            ("ssl_certificate_key /etc/ssl/private/lacgraph.key;",
             f"ssl_certificate_key {key};", 1),
            ("client_max_body_size 200m;", f"client_max_body_size {upload_mb}m;", 1),
            ("proxy_pass http://127.0.0.1:8000;", f"proxy_pass http://127.0.0.1:{upstream};",
             2)):
        assert text.count(old) == times, f"{DEPLOYED_NGINX}: expected {old!r} {times} time(s)"
        text = text.replace(old, new)
    return text


@contextmanager
def nginx_tls(folder: Path, upstream: int) -> Iterator[str]:
    """Debian's nginx (not a daemon, its own prefix and temp paths under ``folder``)
    terminating TLS on a free port in front of ``upstream``; yield the https base URL."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = self_signed(folder)
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=folder, server=nginx_server_block(
        port, upstream, cert, key)))
    log = open(folder / "nginx.out", "w+")  # noqa: SIM115
    process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(conf), "-e", "stderr"],
                               stdout=log, stderr=subprocess.STDOUT, text=True)
    base = f"https://127.0.0.1:{port}"
    unverified = ssl.create_default_context()
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE
    try:
        wait_for(base + "/healthz", process, 30, context=unverified)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Client:
    """A cookie-keeping HTTP client that fills forms like a browser (never follows a
    redirect by itself, so tests see each answer)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect(),
            urllib.request.HTTPSHandler(context=context))

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None,
                timeout: float = 300) -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, data=data, headers={
            "Origin": self.base, "Referer": self.base + path, **(headers or {})})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode("utf-8", "replace")

    def token(self, path: str) -> str:
        status, page = self.request(path)
        match = CSRF.search(page)
        assert match, f"no form on {path} ({status})"
        return match.group(1)

    def post(self, path: str, fields: dict, form: str = "/login") -> tuple[int, str]:
        """Post ``fields`` with the hidden fields of the page ``form`` as a browser would:
        its CSRF token and, on a person page, the record forms' one-time token and the
        person's version."""
        status, page = self.request(form)
        match = CSRF.search(page)
        assert match, f"no form on {form} ({status})"
        hidden = {"csrf_token": match.group(1)}
        for name in ("form_token", "version"):
            found = re.search(rf'name="{name}" value="([^"]*)"', page)
            if found:
                hidden[name] = html.unescape(found.group(1))
        body = urllib.parse.urlencode({**hidden, **fields}, doseq=True).encode()
        return self.request(path, body,
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def log_in(self, name: str, password: str) -> None:
        status, page = self.post("/login", {"name": name, "password": password})
        assert status == 302, (status, page[:500])

    def upload(self, path: str, files: dict[str, Path], form: str) -> tuple[int, str]:
        boundary = "----lacgraph" + secrets.token_hex(8)
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
                 f"{self.token(form)}\r\n".encode()]
        for field, file in files.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                         f'filename="{file.name}"\r\nContent-Type: application/octet-stream'
                         "\r\n\r\n".encode() + file.read_bytes() + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(path, b"".join(parts),
                            {"Content-Type": f"multipart/form-data; boundary={boundary}"})
