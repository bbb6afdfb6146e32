"""Try the deployment recipe on this machine: nginx in front of two replicas
of the app, all on 127.0.0.1, and check it (run by hand; the test
tests/deploy/test_proxy.py runs it too).

    .venv/bin/python deploy/try_locally.py                  # the checks, then stop
    .venv/bin/python deploy/try_locally.py --serve          # start, then wait for Ctrl-C
    .venv/bin/python deploy/try_locally.py --serve --replicas 1

It runs the recipe's own files. ``nginx-http.conf`` and
``nginx-locations.conf`` are included as they are; ``nginx-site.conf`` is
used with only its listening addresses, certificate (a self-signed one made
here with openssl), log path, include path and replica lines changed; each
replica is started by the command line of ``pcnmap@.service`` (its port for
``%i``, this checkout for ``/opt/pcnmap``) and waited for by the unit's own
start check (curl on the health endpoint). nginx runs in the foreground with
its configuration, logs and temporary files in a temporary folder
(``nginx -p``), so no root is needed. Everything started is stopped at the end,
on Ctrl-C and on a failure too.

The checks (each prints what it found; the run ends with 1 on any failure):

1. every page of ``ui/pages.py`` opens through the proxy under ``/pcnmap/``: a
   Streamlit session over the WebSocket (bench/load.py's) runs it to its end,
   with its own title and no error or exception shown; the Leaflet the maps
   load is fetched through the proxy;
2. a session keeps to its replica: its page, health check, WebSocket and
   upload are answered by one replica (nginx's log); its upload is accepted,
   which only the replica holding the session does (the other, asked
   directly, refuses it); a WebSocket opened again gets its session back;
3. sessions are spread over both replicas;
4. the proxy's own rules: ``/_stcore/metrics`` refused however it is spelt
   (and served by a replica asked directly), a file of 10,000,000 bytes
   uploaded and a body over 10 MB refused by nginx, the health endpoint
   answered, plain HTTP sent to HTTPS, other paths not served;
5. one replica killed (SIGKILL) while sessions run: every session started
   after it, browsers whose cookie named the killed replica included, is
   answered by the other with no error.

With ``--summary FILE`` the findings are also written as JSON (for the test).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import math
import os
import pwd
import re
import shlex
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
sys.path.insert(0, str(ROOT))
from bench import load  # noqa: E402
from ui.pages import PAGES  # noqa: E402

SUB_PATH = "pcnmap"
UPLOAD = ROOT / "tests" / "fixtures" / "source" / "ods" / "epraccur_2023-01.csv"
LARGEST_FILE = 10_000_000  # bytes: the browser's cap, server.maxUploadSize 10
PROXY_CAP = 10 * 1024 * 1024  # bytes of request body: client_max_body_size 10m
STICKY_SESSIONS = 12  # with two replicas, all on one by chance: 1 in 2,048
METRICS_SPELLINGS = ("/pcnmap/_stcore/metrics", "/pcnmap/_stcore/metrics/",
                     "/pcnmap//_stcore/metrics", "/pcnmap/_stcore/%6detrics",
                     "/pcnmap/_stcore/metrics?families=cache_memory_bytes",
                     "/pcnmap/elsewhere/../_stcore/metrics")
LOG_LINE = re.compile(r'^\S+ \[[^\]]+\] "(?P<method>\S+) (?P<path>\S+)" (?P<status>\d+) \d+ '
                      r"replica=(?P<tried>.*) key=(?P<key>\S+) upstream_status=.* seconds=\S+$")


class Failed(Exception):
    """A check that did not hold."""


def nginx_binary() -> str | None:
    """nginx: ``PCNMAP_NGINX``, else on the path, else Debian's place."""
    named = os.environ.get("PCNMAP_NGINX")
    if named:
        return named if Path(named).is_file() else None
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None)


def missing() -> str | None:
    """Why the recipe cannot be tried here, or None."""
    if nginx_binary() is None:
        return f"nginx ({os.environ.get('PCNMAP_NGINX') or 'nginx'}) is not installed"
    for tool, why in (("openssl", "the self-signed certificate"),
                      ("curl", "the unit's start check")):
        if shutil.which(tool) is None:
            return f"{tool} ({why}) is not installed"
    if not (Path(sys.executable).parent / "streamlit").exists():
        return f"streamlit is not installed beside {sys.executable}"
    return None


def substitute(text: str, pattern: str, replacement: str, count: int, file: str) -> str:
    """``text`` with ``pattern`` replaced; the recipe must hold it ``count`` times."""
    changed, found = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    if found != count:
        raise Failed(f"{file}: expected {count} of /{pattern}/, found {found}: "
                     "the recipe changed, change this script with it")
    return changed


def unit_settings(port: int) -> tuple[list[str], list[str], dict[str, str]]:
    """The replica's command, its start check and its environment, from
    pcnmap@.service (for this port and this checkout)."""
    unit = (DEPLOY / "pcnmap@.service").read_text(encoding="utf-8")

    def setting(name: str) -> list[str]:
        return re.findall(rf"^{name}=(.*)$", unit, re.MULTILINE)

    home = setting("WorkingDirectory")[0]
    command = shlex.split(setting("ExecStart")[0].replace("%i", str(port)))
    if not command[0].startswith(f"{home}/.venv/bin/"):
        raise Failed(f"pcnmap@.service: ExecStart does not start from {home}/.venv/bin")
    command[0] = str(Path(sys.executable).parent / Path(command[0]).name)
    check = shlex.split(setting("ExecStartPost")[0].replace("%i", str(port)))
    check[0] = shutil.which(Path(check[0]).name) or check[0]
    environment = dict(line.split("=", 1) for line in setting("Environment"))
    environment.pop("HOME", None)  # the unit's state folder; here, the caller's home
    return command, check, environment


class Stack:
    """nginx and the replicas, from the recipe's files, in ``folder``."""

    def __init__(self, folder: Path, replicas: int) -> None:
        self.folder = folder
        self.https_port, self.http_port = load.free_port(), load.free_port()
        self.ports = [load.free_port() for _ in range(replicas)]
        self.replicas: dict[int, subprocess.Popen] = {}
        self.nginx: subprocess.Popen | None = None
        self.certificate = folder / "certificate.pem"
        self.access_log = folder / "access.log"
        self.error_log = folder / "error.log"

    @property
    def url(self) -> str:
        """The app through the proxy, as people would open it."""
        return f"https://127.0.0.1:{self.https_port}/{SUB_PATH}/"

    def replica_url(self, port: int) -> str:
        """A replica asked directly, as the proxy asks it."""
        return f"http://127.0.0.1:{port}/{SUB_PATH}/"

    def configure(self) -> None:
        """The self-signed certificate and nginx's files, from the recipe."""
        key = self.folder / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(key), "-out", str(self.certificate)],
                       check=True, capture_output=True)
        # Every https client of this process (urllib, websockets) trusts it.
        os.environ["SSL_CERT_FILE"] = str(self.certificate)
        name = "nginx-site.conf"
        site = (DEPLOY / name).read_text(encoding="utf-8")
        site = substitute(site, r"^    listen 80;\n    listen \[::\]:80;$",
                          f"    listen 127.0.0.1:{self.http_port};", 1, name)
        site = substitute(site, r"^    listen 443 ssl;\n    listen \[::\]:443 ssl;$",
                          f"    listen 127.0.0.1:{self.https_port} ssl;", 1, name)
        parameters = re.search(r"^    server 127\.0\.0\.1:\d+ (.*);$", site, re.MULTILINE)
        if parameters is None:
            raise Failed(f"{name}: no replica in the upstream")
        servers = "".join(f"    server 127.0.0.1:{port} {parameters.group(1)};\n"
                          for port in self.ports)
        site = substitute(site, r"^    server 127\.0\.0\.1:\d+ .*;\n", "", 2, name)
        site = substitute(site, r"^(    hash \$pcnmap_replica_key consistent;\n)",
                          lambda match: match.group(1) + servers, 1, name)
        site = substitute(site, r"^(    ssl_certificate )\s*\S+;$",
                          rf"\g<1>{self.certificate};", 1, name)
        site = substitute(site, r"^(    ssl_certificate_key )\S+;$", rf"\g<1>{key};", 1, name)
        site = substitute(site, r"^(    access_log )\S+( pcnmap;)$",
                          rf"\g<1>{self.access_log}\g<2>", 1, name)
        site = substitute(site, r"^(    include )snippets/pcnmap-locations\.conf;$",
                          rf"\g<1>{DEPLOY / 'nginx-locations.conf'};", 1, name)
        (self.folder / "site.conf").write_text(site, encoding="utf-8")
        temporary = "\n".join(f"    {kind}_temp_path {self.folder / kind};"
                              for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (self.folder / "nginx.conf").write_text(f"""\
# Written by deploy/try_locally.py: Debian's nginx.conf reduced to what the
# recipe needs, with every file in this folder.
daemon off;
user {pwd.getpwuid(os.geteuid()).pw_name};
worker_processes 1;
pid {self.folder / 'nginx.pid'};
error_log {self.error_log};
events {{
    worker_connections 1024;
}}
http {{
{temporary}
    access_log off;
    include {DEPLOY / 'nginx-http.conf'};
    include {self.folder / 'site.conf'};
}}
""", encoding="utf-8")

    def nginx_command(self, *extra: str) -> list[str]:
        """The nginx command on this folder's files (``-p``, ``-c``, ``-e``)."""
        return [nginx_binary(), "-p", str(self.folder), "-c", str(self.folder / "nginx.conf"),
                "-e", str(self.error_log), *extra]

    def start(self) -> None:
        """Configure, start the replicas (waited for by the unit's check),
        then nginx (waited for by the health endpoint through it)."""
        self.configure()
        tested = subprocess.run(self.nginx_command("-t"), capture_output=True, text=True,
                                check=False)
        if tested.returncode:
            raise Failed(f"nginx -t refused the configuration:\n{tested.stderr}")
        checks = {}
        for port in self.ports:
            command, check, environment = unit_settings(port)
            log = (self.folder / f"replica-{port}.log").open("w")
            self.replicas[port] = subprocess.Popen(
                command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                env={**os.environ, **environment}, start_new_session=True)
            checks[port] = check
        for port, check in checks.items():
            if subprocess.run(check, check=False).returncode:
                raise Failed(f"the replica on port {port} did not answer its health check "
                             f"(the unit's ExecStartPost): {shlex.join(check)}")
        self.nginx = subprocess.Popen(self.nginx_command(), stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                load.visit(self.url + "_stcore/health", {})
                return
            except OSError as error:
                if time.monotonic() > deadline or self.nginx.poll() is not None:
                    raise Failed(f"nginx did not answer at {self.url}: {error}") from error
                time.sleep(0.2)

    def kill(self, port: int) -> None:
        """SIGKILL to a replica and its upload workers, as a crash."""
        os.killpg(self.replicas[port].pid, signal.SIGKILL)
        self.replicas[port].wait()

    def stop(self) -> None:
        """End everything this stack started (its own process groups only)."""
        started = [process for process in [self.nginx, *self.replicas.values()] if process]
        for process in started:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for process in started:  # children left after their leader ended
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def log(self, since: int = 0) -> list[dict[str, str]]:
        """The access log from byte ``since``: each request's method,
        path, status, key and the replicas tried (the last one answered)."""
        with self.access_log.open("rb") as file:
            file.seek(since)
            lines = file.read().decode().splitlines()
        entries = []
        for line in lines:
            found = LOG_LINE.match(line)
            if found is None:
                raise Failed(f"access log line not in the recipe's format: {line}")
            entry = found.groupdict()
            entry["replica"] = entry["tried"].split(", ")[-1]
            entries.append(entry)
        return entries

    def log_size(self) -> int:
        """Where the access log ends now (for :meth:`log` to read on from)."""
        return self.access_log.stat().st_size

    def tails(self) -> str:
        """The end of every log, for a failure's report."""
        text = []
        for path in sorted(self.folder.glob("*.log")):
            lines = path.read_text(errors="replace").splitlines()[-15:]
            text.append(f"--- {path.name} (last {len(lines)} lines)\n" + "\n".join(lines))
        return "\n".join(text)


class Checked(load.Session):
    """A session that also keeps each run's title and the Leaflet its maps load.

    Its reruns may take three minutes before one counts as hung: the checks
    are that nothing fails and nothing is lost, and after the kill one
    replica on this machine's two cores serves the sessions of two (one
    session's What changed was still running after 60 s there once); the
    slowest rerun is reported.
    """

    run_timeout = 180.0

    def __init__(self, url: str, number: int, cookies: dict[str, str] | None = None) -> None:
        super().__init__(url, number, load.Results(), cookies)
        self.titles: list[str] = []
        self.leaflet: set[str] = set()

    def note(self, message) -> None:
        """As a load session, and keep the titles and Leaflet addresses."""
        super().note(message)
        if message.delta.WhichOneof("type") != "new_element":
            return
        element = message.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "heading" and element.heading.tag == "h1":
            self.titles.append(element.heading.body)
        elif kind == "component_instance":
            self.leaflet.update(re.findall(r"(/[\w/.-]*leaflet\.js)",
                                           element.component_instance.json_args))

    @property
    def key(self) -> str:
        """The stickiness key the proxy gave this browser (its cookie)."""
        return self.cookies.get("pcnmap_replica", "")


def say(text: str) -> None:
    """Print at once (the test reads the output as it comes)."""
    print(text, flush=True)


def request(url: str, method: str = "GET", body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request sent as written (no redirect followed, the path not tidied)."""
    parts = urllib.request.urlparse(url)
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(parts.netloc, timeout=60,
                                                 context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(parts.netloc, timeout=60)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        try:
            connection.request(method, path, body=body, headers=headers or {})
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before the body was read: the answer is still there
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def multipart(name: str, data: bytes) -> tuple[bytes, str]:
    """A file as the browser's upload body, and its content type."""
    boundary = "pcnmap-try-locally"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n").encode() + data + \
        f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def put_file(url: str, cookies: dict[str, str], name: str,
             data: bytes) -> tuple[int, bytes]:
    """PUT a file to an upload address, as the browser does; the status and body."""
    body, kind = multipart(name, data)
    status, _, answer = request(url, "PUT", body, {
        "Content-Type": kind, "X-Xsrftoken": cookies.get(load.XSRF, ""),
        "Cookie": load.cookie_header(cookies)})
    return status, answer


def sized(size: int) -> bytes:
    """``size`` bytes of the real epraccur extract, repeated."""
    data = UPLOAD.read_bytes()
    return (data * (size // len(data) + 1))[:size]


async def closed_streams(stack: Stack, keys: set[str], since: int = 0) -> list[dict[str, str]]:
    """The log once every key's WebSocket line is in it (nginx writes it when
    the connection ends)."""
    deadline = time.monotonic() + 10
    while True:
        entries = stack.log(since)
        streaming = {entry["key"] for entry in entries
                     if entry["path"].endswith("/_stcore/stream")}
        if keys <= streaming or time.monotonic() > deadline:
            return entries
        await asyncio.sleep(0.2)


def replica_of(entries: list[dict[str, str]], key: str) -> set[str]:
    """The replicas that answered a key's requests."""
    return {entry["replica"] for entry in entries if entry["key"] == key
            and entry["replica"] != "-"}


async def check_pages(stack: Stack, ws: str, found: dict) -> None:
    """Check 1: every page through the proxy, and the maps' Leaflet."""
    say("1. every page through the proxy, under /pcnmap/")
    titles, leaflet = {}, set()
    for number, page in enumerate(PAGES, 1):
        session = Checked(ws, number)
        async with session.connected() as socket_:
            await session.rerun(socket_, page=page.url_path, query="")
        errors = session.results.errors
        title = session.titles[0] if session.titles else ""
        say(f"   /{SUB_PATH}/{page.url_path:<30} title {title!r}, "
            f"{len(errors)} errors" + (f": {errors[0]}" if errors else ""))
        if errors or not title:
            raise Failed(f"page {page.title}: {errors or 'no title'}")
        titles[page.url_path] = title
        leaflet |= session.leaflet
    if len(set(titles.values())) != len(PAGES):
        raise Failed(f"two pages showed the same title (one page served for another): {titles}")
    if not leaflet:
        raise Failed("no page's map loads Leaflet")
    for path in sorted(leaflet):
        status, _, body = request(f"https://127.0.0.1:{stack.https_port}{path}")
        say(f"   Leaflet at {path}: {status}, {len(body):,} bytes")
        if not path.startswith(f"/{SUB_PATH}/app/static/") or status != 200 or \
                b"Leaflet" not in body:
            raise Failed(f"the maps' Leaflet is not served through the proxy at {path}")
    found["pages"] = titles
    found["leaflet"] = sorted(leaflet)


async def check_sticky(stack: Stack, ws: str, found: dict) -> None:
    """Checks 2 and 3: sessions keep to a replica, and use both."""
    say(f"2. {STICKY_SESSIONS} sessions keep to their replica")
    data = UPLOAD.read_bytes()
    sessions = []
    for number in range(1, STICKY_SESSIONS + 1):
        session = Checked(ws, 100 + number)
        async with session.connected() as socket_:
            await session.rerun(socket_, page="Your_own_data", query="")
            urls = await session.upload_urls(socket_, UPLOAD.name, "1")
            status, answer = await asyncio.to_thread(
                put_file, session.http + urls.upload_url, session.cookies, UPLOAD.name, data)
        first = session.session_id
        async with session.connected() as socket_:  # the same tab reconnecting
            await session.rerun(socket_, page="Your_own_data", query="")
        if status != 204 or session.results.errors:
            raise Failed(f"session {number}: upload answered {status} {answer[:200]!r}, "
                         f"errors {session.results.errors}")
        if session.session_id != first:
            raise Failed(f"session {number}: reconnected, it got a new session "
                         f"({first} then {session.session_id}): another replica")
        sessions.append((session, urls.upload_url))
    entries = await closed_streams(stack, {session.key for session, _ in sessions})
    by_replica: dict[str, int] = {}
    for session, _ in sessions:
        mine = [entry for entry in entries if entry["key"] == session.key]
        replicas = replica_of(entries, session.key)
        kinds = {(entry["method"], entry["path"].partition("/_stcore/")[2].split("/")[0]
                  or entry["path"]) for entry in mine}
        needed = {("GET", f"/{SUB_PATH}/"), ("GET", "health"), ("GET", "stream"),
                  ("PUT", "upload_file")}
        if len(replicas) != 1 or not needed <= kinds:
            raise Failed(f"session {session.number} (key {session.key}): answered by "
                         f"{replicas or 'none'}; requests {sorted(kinds)}")
        (replica,) = replicas
        by_replica[replica] = by_replica.get(replica, 0) + 1
        session.replica = replica
    say(f"   each answered by one replica for its page, health check, WebSocket (twice) "
        f"and upload: {dict(sorted(by_replica.items()))}")
    # The upload only the session's own replica accepts: the other refuses it.
    session, upload_url = sessions[0]
    other = next(port for port in stack.ports if not session.replica.endswith(f":{port}"))
    status, answer = await asyncio.to_thread(
        put_file, f"http://127.0.0.1:{other}/{SUB_PATH}" + upload_url, session.cookies,
        UPLOAD.name, data)
    say(f"   the same upload sent to the other replica directly: {status} "
        f"({answer.decode(errors='replace')[:60]}...)")
    if status != 400 or b"session" not in answer:
        raise Failed(f"the other replica answered the session's upload with {status}")
    found["sticky"] = {"sessions": len(sessions), "by_replica": by_replica,
                       "other_replica_refused": status}
    say("3. sessions spread over the replicas")
    if len(by_replica) != len(stack.ports):
        raise Failed(f"{len(sessions)} sessions, all on {sorted(by_replica)}")
    say(f"   {len(sessions)} sessions on {len(by_replica)} replicas")


async def check_rules(stack: Stack, ws: str, found: dict) -> None:
    """Check 4: metrics refused, the upload cap, health, redirects."""
    say("4. the proxy's rules")
    base = f"https://127.0.0.1:{stack.https_port}"
    metrics = {}
    for path in METRICS_SPELLINGS:
        metrics[path] = request(base + path)[0]
    direct, _, body = request(f"http://127.0.0.1:{stack.ports[0]}/{SUB_PATH}/_stcore/metrics")
    say(f"   metrics through the proxy: {metrics}; from a replica directly: {direct}")
    if any(status != 403 for status in metrics.values()):
        raise Failed(f"metrics served through the proxy: {metrics}")
    if direct != 200 or b"# EOF" not in body:
        raise Failed(f"a replica asked directly did not serve its metrics ({direct}): "
                     "the refusal above proves nothing")
    session = Checked(ws, 300)
    async with session.connected() as socket_:
        await session.rerun(socket_, page="Your_own_data", query="")
        largest = await session.upload_urls(socket_, "epraccur.csv", "largest")
        too_large = await session.upload_urls(socket_, "epraccur.csv", "too-large")
        since = stack.log_size()
        accepted, _ = await asyncio.to_thread(
            put_file, session.http + largest.upload_url, session.cookies, "epraccur.csv",
            sized(LARGEST_FILE))
        framing = len(multipart("epraccur.csv", b"")[0])
        over = sized(PROXY_CAP + 1 - framing)
        refused, _ = await asyncio.to_thread(
            put_file, session.http + too_large.upload_url, session.cookies, "epraccur.csv", over)
    puts = [entry for entry in stack.log(since) if entry["method"] == "PUT"]
    say(f"   upload of {LARGEST_FILE:,} bytes: {accepted}; a body of {PROXY_CAP + 1:,} bytes: "
        f"{refused}, replicas that saw it: {[entry['replica'] for entry in puts[1:]]}")
    if accepted != 204 or refused != 413 or len(puts) != 2 or puts[1]["replica"] != "-":
        raise Failed("upload cap: the largest file must pass and a larger body stop at nginx")
    health = request(base + f"/{SUB_PATH}/_stcore/health")
    plain = request(f"http://127.0.0.1:{stack.http_port}/{SUB_PATH}/Network_map")
    elsewhere = request(base + "/elsewhere")[0]
    root = request(base + "/")
    bare = request(base + f"/{SUB_PATH}")
    say(f"   health: {health[0]} {health[2]!r}; http: {plain[0]} to {plain[1].get('Location')}; "
        f"/: {root[0]} to {root[1].get('Location')}; /{SUB_PATH}: {bare[0]}; "
        f"/elsewhere: {elsewhere}")
    if (health[0], health[2]) != (200, b"ok") or plain[0] != 301 or \
            not plain[1].get("Location", "").startswith("https://") or elsewhere != 404 or \
            not root[1].get("Location", "").endswith(f"/{SUB_PATH}/") or bare[0] != 301:
        raise Failed("health, redirects or other paths not as the recipe says")
    found["rules"] = {"metrics_through_proxy": metrics, "metrics_direct": direct,
                      "largest_upload": accepted, "over_cap": refused,
                      "health": health[0], "http": plain[0], "elsewhere": elsewhere}


async def check_kill(stack: Stack, ws: str, found: dict) -> None:
    """Check 5: a replica killed; sessions started after it see no error."""
    say("5. a replica killed while sessions run")
    running = [Checked(ws, 400 + number) for number in range(8)]
    tasks = [asyncio.create_task(session.run(math.inf, 1.0)) for session in running]
    try:
        await asyncio.sleep(15)
        entries = stack.log()
        on = {session.number: (replica_of(entries, session.key) or {"?"}).pop()
              for session in running}
        counts = {replica: list(on.values()).count(replica) for replica in set(on.values())}
        victim = max(stack.ports, key=lambda port: counts.get(f"127.0.0.1:{port}", 0))
        survivor = next(port for port in stack.ports if port != victim)
        say(f"   {len(running)} sessions running, by replica {counts}; SIGKILL to the "
            f"replica on {victim}")
        stack.kill(victim)
        await asyncio.sleep(1)
        since = stack.log_size()
        returning = [Checked(ws, 500 + n, session.cookies) for n, session in enumerate(running)
                     if on[session.number] == f"127.0.0.1:{victim}"]
        fresh = [Checked(ws, 600 + number) for number in range(10)]
        after = returning + fresh
        deadline = time.monotonic() + 20
        await asyncio.gather(*(session.run(deadline, 1.0) for session in after))
        entries = await closed_streams(stack, {session.key for session in after}, since)
        errors = [error for session in after for error in session.results.errors]
        idle = [session.number for session in after if not session.results.finished]
        replicas = {replica for session in after for replica in replica_of(entries, session.key)}
        passed_on = sum(entry["tried"].count(",") > 0 for entry in entries)
        slowest = max((seconds for session in after
                       for _, seconds in session.results.finished), default=0.0)
        dropped = [session for session in running if session.results.errors]
        kept = [session for session in running if on[session.number].endswith(f":{survivor}")]
        kept_errors = [error for session in kept for error in session.results.errors]
        say(f"   after the kill: {len(after)} sessions ({len(returning)} with a cookie that "
            f"named the killed replica), {sum(len(s.results.finished) for s in after)} reruns, "
            f"{len(errors)} errors; answered by {sorted(replicas)}; {passed_on} requests "
            f"tried on the killed replica first and passed on by nginx; the slowest rerun "
            f"{slowest:.1f} s")
        say(f"   sessions that were on the killed replica: {len(dropped)} dropped (a browser "
            f"shows 'Connecting' and opens the page again); on the other: {len(kept)}, "
            f"{len(kept_errors)} errors")
        if errors or idle or replicas != {f"127.0.0.1:{survivor}"} or kept_errors \
                or not returning:
            raise Failed(f"after the kill: errors {errors[:5]}, sessions without a rerun "
                         f"{idle}, replicas {replicas}, errors on the survivor "
                         f"{kept_errors[:5]}, {len(returning)} returning sessions")
        found["kill"] = {"running": len(running), "by_replica": counts, "killed": victim,
                         "after": len(after), "returning": len(returning),
                         "after_reruns": sum(len(s.results.finished) for s in after),
                         "after_errors": len(errors), "answered_by": sorted(replicas),
                         "passed_on": passed_on, "dropped": len(dropped),
                         "slowest_rerun_s": round(slowest, 1),
                         "survivor_errors": len(kept_errors)}
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def checks(stack: Stack, found: dict) -> None:
    """Every check in turn, through the proxy (``found`` collects the findings)."""
    ws = load.target(stack.url)
    await check_pages(stack, ws, found)
    await check_sticky(stack, ws, found)
    await check_rules(stack, ws, found)
    found["memory_mb"] = {port: round(load.resident(process.pid) / 1e6)
                          for port, process in stack.replicas.items()}
    await check_kill(stack, ws, found)


def serve(stack: Stack) -> None:
    """Warm every replica, say how to load it, and report its memory until
    Ctrl-C (a replica killed meanwhile is reported, the rest go on)."""
    for port in stack.ports:
        results = load.Results()
        asyncio.run(load.warm(load.target(stack.replica_url(port)), results))
        if results.errors:
            raise Failed(f"warming the replica on {port}: {results.errors[:3]}")
    say(f"the app through nginx: {stack.url}")
    say(f"  self-signed certificate: {stack.certificate}")
    for port, process in stack.replicas.items():
        say(f"  replica (pid {process.pid}, warmed): {stack.replica_url(port)}")
    say(f"  nginx's access log: {stack.access_log}")
    say("load it, e.g.:")
    say(f"  SSL_CERT_FILE={stack.certificate} {sys.executable} bench/load.py "
        f"--url {stack.url} --ramp")
    say("Ctrl-C stops everything. Each replica's memory and processor every minute "
        "(its share of one core; a replica runs its pages on about one):")
    peaks = dict.fromkeys(stack.replicas, 0)
    used = {port: load.cpu_seconds(process.pid) for port, process in stack.replicas.items()}
    ticks = 0
    while True:
        time.sleep(1)
        ticks += 1
        running = {port: process for port, process in stack.replicas.items()
                   if process.poll() is None}
        for port in set(used) - set(running):  # killed, say, to watch nginx pass it over
            say(f"  the replica on {port} ended ({stack.replicas[port].returncode}); "
                "nginx passes it over, the others go on")
            del used[port]
        for port, process in running.items():
            peaks[port] = max(peaks[port], load.resident(process.pid))
        if ticks % 60 == 0 and running:
            now = {port: load.cpu_seconds(process.pid) for port, process in running.items()}
            say("  " + ", ".join(f"{port}: {load.resident(process.pid) / 1e6:.0f} MB (peak "
                                 f"{peaks[port] / 1e6:.0f}), {(now[port] - used[port]) / 60:.0%}"
                                 for port, process in running.items())
                + f"; load average {load.load_average()}")
            used = now


def main() -> int:
    """Try the recipe (or serve it); 0 when every check held."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", action="store_true",
                        help="start and warm everything, then wait for Ctrl-C")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--summary", type=Path, help="also write the findings as JSON here")
    arguments = parser.parse_args()
    reason = missing()
    if reason:
        say(f"cannot try the recipe here: {reason}")
        return 2
    if not arguments.serve and arguments.replicas != 2:
        parser.error("the checks need two replicas")
    # Ctrl-C (also when started in the background by a script, which ignores
    # it) and SIGTERM end the run through the clean-up below.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    found: dict = {}
    with tempfile.TemporaryDirectory(prefix="pcnmap-proxy-") as folder:
        stack = Stack(Path(folder), arguments.replicas)
        try:
            stack.start()
            say(f"nginx on 127.0.0.1:{stack.https_port} (TLS) and :{stack.http_port}, "
                f"replicas on {', '.join(map(str, stack.ports))}; load average "
                f"{load.load_average()}")
            if arguments.serve:
                serve(stack)  # until Ctrl-C
                return 0
            asyncio.run(checks(stack, found))
            found["passed"] = True
            say(f"all checks passed; replicas' memory before the kill (MB): "
                f"{found['memory_mb']}; load average {load.load_average()}")
            return 0
        except (Failed, OSError, TimeoutError, load.websockets.WebSocketException) as error:
            found["passed"] = False
            found["failure"] = str(error)
            say(f"FAILED: {error}\n{stack.tails()}")
            return 1
        except KeyboardInterrupt:
            say("stopped")
            return 130
        finally:
            stack.stop()
            found["started"] = [process.pid for process in [stack.nginx,
                                                            *stack.replicas.values()] if process]
            if arguments.summary:
                arguments.summary.write_text(json.dumps(found, indent=1), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
