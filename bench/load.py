"""Load benchmark: many people using the app at once (run by hand, not a test).

Starts ``streamlit run dashboard.py`` on 127.0.0.1 (or, with ``--url``, uses
an app already served there: a replica, or the proxy in front of several)
and drives ``--sessions`` concurrent sessions for ``--seconds``, each speaking
Streamlit's own WebSocket protocol (the protobufs in ``streamlit.proto``) as
the browser does: it loads the app's page (where a proxy sets its stickiness
cookie) and health check (Streamlit's XSRF cookie), opens the WebSocket with
both cookies and the page's Origin, opens a page, waits, chooses a
commissioner in the sidebar (or all of England again), waits, and so on, with
a pause between actions (``--think``). It reports

* errors: an exception or error box on a page, a run that did not finish
  successfully or within 60 s, a dropped connection;
* server time per rerun: from the client sending the rerun to the server's
  "script finished" message (so queueing behind other sessions counts),
  median and 95th percentile, by page;
* the app's resident memory (its process's VmRSS, sampled every second),
  when it started the app itself: with ``--url`` the app is another process,
  perhaps several behind a proxy on other hosts, and its memory is not read;
* the machine's load average at the start and the end (the machine may be
  busy with other work: the figures are then slower than the app).

With ``--ramp``, sessions are added ``--step`` at a time, every
``--step-seconds``, until the 95th percentile of a step's reruns passes 1 s
in two steps running (one step over 1 s between steps under it is a burst
of other work on the machine, not the app's limit: the load column shows
it); it prints each step and the number of sessions where p95 passed 1 s.

With ``--hostile``, one more session spends the run on Your own data,
uploading hostile files one after another (made from the real extracts by
tests/hostile.py: a sheet declaring A1:XFD1048576, a sheet inflating to
1.5 GB, a line of 10 million commas, 300,000 unused shared strings, 10 MB
of epraccur lines) through Streamlit's upload API, and reports how long
each took to be refused or read, what the page said, and the upload
workers' peak memory; the other sessions' figures are then taken while it
does so.

    .venv/bin/python bench/load.py                      # 20 sessions, 3 minutes
    .venv/bin/python bench/load.py --sessions 5 --seconds 30 --hostile
    .venv/bin/python bench/load.py --url http://127.0.0.1:8080/pcnmap/ --ramp

An https address is checked against the system's certificates, or those in
the file ``SSL_CERT_FILE`` names (deploy/try_locally.py prints the command).

Exits 1 when a target is missed: any error, p95 of 1 s or more, 600 MB or
more, a hostile upload not settled within 10 s or its worker at 500 MB; with
``--ramp``, when p95 never passed 1 s or a step below that had errors.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileUploaderState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from pcnmap import store  # noqa: E402
from ui.pages import PAGES as PAGE_LIST  # noqa: E402

# The pages a session opens (address path, how often: the maps most), and the
# snapshots (every one shipped). Your own data is the hostile session's.
WEIGHTS = {"": 2, "Network_map": 4, "Coverage_gaps": 2, "Funding": 2, "Plan_a_change": 2}
PAGES = {page.url_path: WEIGHTS.get(page.url_path, 1) for page in PAGE_LIST
         if page.url_path != "Your_own_data"}
SNAPSHOTS = tuple(store.snapshot_keys())
APP_LOG = Path(tempfile.gettempdir()) / "pcnmap-load-app.log"
RUN_TIMEOUT = 60.0
THINK = 5.0  # seconds a person spends on what a page shows before the next choice


@dataclass
class Results:
    """Everything the sessions measured."""

    reruns: dict[str, list[float]] = field(default_factory=dict)  # by page
    finished: list[tuple[float, float]] = field(default_factory=list)  # when, seconds
    errors: list[str] = field(default_factory=list)
    choices: int = 0  # commissioners chosen in the sidebar
    memory: list[int] = field(default_factory=list)  # bytes, one a second
    workers: list[int] = field(default_factory=list)  # upload workers' memory, bytes
    # Each hostile file: its name, seconds to the page's verdict on it and to
    # the page's end, the verdict, and the app's peak memory meanwhile (bytes).
    uploads: list[tuple[str, float, float, str, int]] = field(default_factory=list)

    def add(self, page: str, seconds: float) -> None:
        self.reruns.setdefault(page or "Overview", []).append(seconds)
        self.finished.append((time.monotonic(), seconds))


class Session:
    """One browser tab, as far as the server can tell."""

    counted = True  # its reruns are in the figures by page
    run_timeout = RUN_TIMEOUT  # seconds a rerun may take before it counts as an error

    def __init__(self, url: str, number: int, results: Results,
                 cookies: dict[str, str] | None = None) -> None:
        self.url, self.number, self.results = url, number, results  # url: ws:// or wss://
        self.cookies = dict(cookies or {})  # as the browser keeps them for the app's address
        self.query = ""
        self.page = ""
        self.widgets: dict[str, tuple[str, list[str]]] = {}  # label -> (id, options)
        self.values: dict[str, object] = {}  # widget id -> chosen option or files
        self.session_id = ""
        self.alerts: list[tuple[int, str]] = []  # this run's boxes: format, text

    @property
    def http(self) -> str:
        """The app's address over HTTP(S): ``http://host:port/pcnmap``."""
        return "http" + self.url[2:]

    @contextlib.asynccontextmanager
    async def connected(self):
        """The WebSocket, opened as the browser opens it: after the app's page
        (where a proxy sets its stickiness cookie) and health check (where
        Streamlit sets its XSRF cookie), with both cookies, the XSRF token, the
        page's Origin and, when reconnecting, this session's id."""
        await asyncio.to_thread(visit, self.http + "/", self.cookies)
        await asyncio.to_thread(visit, self.http + "/_stcore/health", self.cookies)
        protocols = ["streamlit"]
        if self.cookies.get(XSRF):
            protocols += [self.cookies[XSRF]] + ([self.session_id] if self.session_id else [])
        address = urlsplit(self.http)
        async with websockets.connect(
                f"{self.url}/_stcore/stream", subprotocols=protocols, max_size=None,
                origin=f"{address.scheme}://{address.netloc}", open_timeout=30,
                additional_headers={"Cookie": cookie_header(self.cookies)}) as socket_:
            yield socket_

    async def upload_urls(self, socket_, name: str, request_id: str):
        """Where to send a file for this session's uploader (Streamlit's answer:
        paths under the app's address, ``/_stcore/upload_file/SESSION/FILE``)."""
        request = BackMsg()
        request.file_urls_request.request_id = request_id
        request.file_urls_request.file_names.append(name)
        request.file_urls_request.session_id = self.session_id
        await socket_.send(request.SerializeToString())
        while True:
            message = ForwardMsg()
            message.ParseFromString(await asyncio.wait_for(socket_.recv(), self.run_timeout))
            if message.WhichOneof("type") == "file_urls_response":
                return message.file_urls_response.file_urls[0]

    async def rerun(self, socket_, *, page: str | None = None, query: str | None = None,
                    widget: tuple[str, object] | None = None) -> None:
        """Ask for a rerun, as the browser does, and wait until it has finished."""
        if page is not None:
            self.page, self.values, self.widgets = page, {}, {}
        if query is not None:
            self.query = query
        if widget:
            self.values[widget[0]] = widget[1]
        message = BackMsg()
        state = message.rerun_script
        # The page by its address (as the browser names it on opening a link).
        state.query_string = self.query
        state.page_name = self.page
        for widget_id, value in self.values.items():
            entry = state.widget_states.widgets.add()
            entry.id = widget_id
            if isinstance(value, str):
                entry.string_value = value
            else:
                entry.file_uploader_state_value.CopyFrom(value)
        self.alerts = []
        started = time.monotonic()
        await socket_.send(message.SerializeToString())
        await self.until_finished(socket_, started)

    async def until_finished(self, socket_, started: float) -> None:
        while True:
            try:
                data = await asyncio.wait_for(socket_.recv(),
                                              self.run_timeout - (time.monotonic() - started))
            except TimeoutError:
                self.results.errors.append(f"session {self.number}: /{self.page}?{self.query} "
                                           f"did not finish within {self.run_timeout:.0f} s")
                return
            message = ForwardMsg()
            message.ParseFromString(data)
            kind = message.WhichOneof("type")
            if kind == "new_session":
                self.session_id = message.new_session.initialize.session_id
            elif kind == "page_info_changed":
                self.query = message.page_info_changed.query_string
            elif kind == "delta":
                self.note(message)
            elif kind == "script_finished":
                if message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    # The page asked for a rerun (st.rerun): it follows at once,
                    # and the browser shows the page when that one ends.
                    self.alerts = []
                    continue
                if message.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    self.results.errors.append(f"session {self.number}: /{self.page}: run "
                                               f"ended with status {message.script_finished}")
                if self.counted:
                    self.results.add(self.page, time.monotonic() - started)
                return

    def note(self, message: ForwardMsg) -> None:
        """Remember the sidebar's pickers; count what the page shows as an error."""
        if message.delta.WhichOneof("type") != "new_element":
            return
        element = message.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "selectbox":
            # By its key (the end of its id), not its label: the place picker
            # is labelled with the snapshot's word ("CCG", "Sub-ICB location").
            self.widgets[element.selectbox.id.rsplit("-", 1)[-1]] = (
                element.selectbox.id, list(element.selectbox.options))
        elif kind == "file_uploader":
            self.widgets[element.file_uploader.label] = (element.file_uploader.id, [])
        if kind == "alert":
            self.alerts.append((element.alert.format, element.alert.body))
        if kind == "exception" or (kind == "alert" and element.alert.format == 1):
            body = element.exception.message if kind == "exception" else element.alert.body
            self.results.errors.append(f"session {self.number}: /{self.page}?{self.query}: "
                                       f"{body[:200]}")

    async def run(self, deadline: float, think: float) -> None:
        """Open pages and choose commissioners until the deadline."""
        random.seed(self.number)
        try:
            async with self.connected() as socket_:
                # People arrive one by one, not all in the same instant.
                await asyncio.sleep(random.uniform(0, 2 * think))
                while time.monotonic() < deadline:
                    page = random.choices(list(PAGES), weights=list(PAGES.values()))[0]
                    snapshot = random.choice(SNAPSHOTS)
                    await self.rerun(socket_, page=page, query=urlencode({"snapshot": snapshot}))
                    for _ in range(random.randint(1, 3)):
                        await asyncio.sleep(random.uniform(0.5, 1.5) * think)
                        if time.monotonic() >= deadline or "commissioner" not in self.widgets:
                            break
                        widget, options = self.widgets["commissioner"]
                        # Mostly a commissioner, sometimes all of England again.
                        choice = options[0] if random.random() < 0.2 else random.choice(options)
                        self.results.choices += 1
                        await self.rerun(socket_, widget=(widget, choice))
                    await asyncio.sleep(random.uniform(0.5, 1.5) * think)
        except (OSError, websockets.WebSocketException) as error:
            self.results.errors.append(f"session {self.number}: connection: {error!r}")


def cpu_seconds(pid: int) -> float:
    """A process's processor time so far (user and system)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Uploader(Session):
    """Someone bringing hostile files to Your own data and to Funding's
    weighted lists, one after another (their reruns wait for the upload
    workers: they are reported apart)."""

    counted = False

    verdict_at = 0.0

    def note(self, message: ForwardMsg) -> None:
        errors = len(self.results.errors)
        super().note(message)
        del self.results.errors[errors:]  # refusals are what this user expects
        if not self.verdict_at and any("Not used" in text or "read as" in text
                                       for _, text in self.alerts):
            self.verdict_at = time.monotonic()  # the page streams it before its end

    async def run(self, deadline: float, think: float) -> None:
        from tests import hostile

        extract = ROOT / "tests" / "fixtures" / "source"
        own, funding = ("Your_own_data", "snapshot=2023-01", "Files"), (
            "Funding", "snapshot=2026-07&year=2026%2F27",
            "Weighted lists for this year (an NHS Payments to General Practice CSV)")
        payments = extract / "list_sizes" / "nhs-payments-gp-2022-23_list-sizes.csv"
        files = [(own, "ePCN.xlsx", hostile.everything_declared),
                 (own, "ePCN_inflating.xlsx", hostile.inflating),
                 (funding, "payments.csv", lambda: hostile.wide_payments_line(payments)),
                 (own, "configuration.csv", hostile.one_wide_line),
                 (own, "ePCN_strings.xlsx", lambda: hostile.many_strings(300_000)),
                 (funding, "payments_wider.csv",
                  lambda: hostile.wide_payments_line(payments, 9_000_000)),
                 (own, "epraccur.csv", lambda: hostile.repeated_epraccur(
                     extract / "ods" / "epraccur_2023-01.csv"))]
        http = self.http
        async with self.connected() as socket_:
            number, previous, here = 0, None, None
            while time.monotonic() < deadline:
                (page, query, label), name, make = files[number % len(files)]
                number += 1
                if page != here:  # the page holding this upload, opened as a link is
                    await self.rerun(socket_, page=page, query=query)
                    here, previous = page, None
                data = make()
                started, sampled = time.monotonic(), len(self.results.memory)
                widget, _ = self.widgets[label]
                urls = await self.upload_urls(socket_, name, str(number))
                if previous:  # the last file removed (its x), as a person replacing it does
                    await asyncio.to_thread(send_file, http + previous.delete_url, self.cookies)
                await asyncio.to_thread(send_file, http + urls.upload_url, self.cookies,
                                        name, data)
                previous = urls
                state = FileUploaderState()
                info = state.uploaded_file_info.add()
                info.name, info.size, info.file_id = name, len(data), urls.file_id
                info.file_urls.CopyFrom(urls)
                self.verdict_at = 0.0
                await self.rerun(socket_, widget=(widget, state))
                said = " / ".join(shown(text)[:110] for kind, text in self.alerts
                                  if "Not used" in text or "read as" in text)
                meanwhile = max(self.results.memory[sampled:], default=0)
                self.results.uploads.append((name, (self.verdict_at or time.monotonic())
                                             - started, time.monotonic() - started, said,
                                             meanwhile))
                await asyncio.sleep(think)


def shown(markdown: str) -> str:
    """An alert's Markdown as read: escapes resolved, word joiners left out."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


XSRF = "_streamlit_xsrf"  # Streamlit's cookie, sent back as the XSRF token


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def visit(url: str, cookies: dict[str, str]) -> bytes:
    """GET an address as the browser does, with its cookies; keeps those set."""
    request = urllib.request.Request(url, headers={"Cookie": cookie_header(cookies)}
                                     if cookies else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            cookies[name.strip()] = value.strip()
        return response.read()


def send_file(url: str, cookies: dict[str, str], name: str | None = None,
              data: bytes = b"") -> None:
    """Upload one file as the browser does (a multipart PUT with the XSRF
    token), or without a name delete one."""
    headers = {"X-Xsrftoken": cookies.get(XSRF, ""), "Cookie": cookie_header(cookies)}
    body = None
    if name:
        boundary = "pcnmap-bench-boundary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
    request = urllib.request.Request(url, data=body, method="PUT" if name else "DELETE",
                                     headers=headers)
    with urllib.request.urlopen(request, timeout=60):
        pass


def children(pid: int) -> list[int]:
    """A process's children, started by any of its threads."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def resident(pid: int) -> int:
    """A process's resident memory in bytes."""
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) * 1024


async def sample_memory(pid: int, results: Results, deadline: float) -> None:
    while time.monotonic() < deadline:
        results.memory.append(resident(pid))
        for child in children(pid):  # upload workers
            try:
                results.workers.append(resident(child))
            except (OSError, StopIteration):
                pass
        await asyncio.sleep(0.2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(port: int) -> subprocess.Popen:
    streamlit = Path(sys.executable).parent / "streamlit"
    server = subprocess.Popen(
        [str(streamlit), "run", "dashboard.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        # The app's log to a file (a pipe nobody reads would fill and stall it).
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=APP_LOG.open("w"),
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("the app did not start within 60 s")


async def warm(url: str, results: Results) -> None:
    """Each page and snapshot once, as the first visitors would: loads the data
    (behind a proxy, into the one replica this session is sent to)."""
    session = Session(url, 0, Results())
    async with session.connected() as socket_:
        for snapshot in SNAPSHOTS:
            for page in PAGES:
                await session.rerun(socket_, page=page, query=urlencode({"snapshot": snapshot}))
    results.errors.extend(session.results.errors)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def target(url: str) -> str:
    """An app's address as the WebSocket's base: http://h:p/pcnmap/ -> ws://h:p/pcnmap."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SystemExit(f"--url: expected http(s)://host:port/path/, not {url!r}")
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


@dataclass
class Step:
    """One step of a ramp: its sessions and what they measured."""

    sessions: int  # sessions still connected at its end
    reruns: list[float]  # seconds, of reruns that finished after arrivals settled
    errors: int
    app_cpu: float | None  # share of a core (None: the app is not this client's)
    client_cpu: float
    load: float  # the machine's load average over the last minute, at its end

    @property
    def p95(self) -> float:
        return percentile(self.reruns, 0.95) if self.reruns else math.inf


async def ramp(url: str, arguments: argparse.Namespace, results: Results,
               server: subprocess.Popen | None) -> list[Step]:
    """Add sessions a step at a time until p95 passes 1 s in two steps
    running (or ``--most`` sessions); each step's figures are its reruns
    after its new sessions have arrived (they come over two think times)."""
    settle = min(2 * arguments.think, arguments.step_seconds / 2)
    print(f"ramp: from {arguments.sessions or arguments.step} sessions, {arguments.step} more "
          f"every {arguments.step_seconds:.0f} s (each step's figures from its last "
          f"{arguments.step_seconds - settle:.0f} s), think time {arguments.think:.1f} s")
    print(f"{'sessions':>8} {'reruns':>7} {'p50 s':>7} {'p95 s':>7} {'max s':>7} {'errors':>7} "
          f"{'app cpu':>8} {'client cpu':>10} {'load':>5}", flush=True)
    tasks: list[asyncio.Task] = []
    crashed: set[int] = set()  # sessions whose error is already counted
    steps: list[Step] = []
    count = arguments.sessions or arguments.step
    try:
        while True:
            started, errors = time.monotonic(), len(results.errors)
            for number in range(len(tasks) + 1, count + 1):
                session = Session(url, number, results)
                tasks.append(asyncio.create_task(session.run(math.inf, arguments.think)))
            app_cpu = cpu_seconds(server.pid) if server else 0.0
            client_cpu = time.process_time()
            await asyncio.sleep(arguments.step_seconds)
            ended = time.monotonic()
            for number, task in enumerate(tasks, 1):
                if (number not in crashed and task.done() and not task.cancelled()
                        and task.exception()):
                    results.errors.append(f"session {number}: {task.exception()!r}")
                    crashed.add(number)
            step = Step(sum(not task.done() for task in tasks),
                        [seconds for at, seconds in results.finished if at >= started + settle],
                        len(results.errors) - errors,
                        (cpu_seconds(server.pid) - app_cpu) / (ended - started) if server else None,
                        (time.process_time() - client_cpu) / (ended - started),
                        os.getloadavg()[0])
            steps.append(step)
            times = step.reruns or [math.inf]
            app = f"{step.app_cpu:.0%}" if step.app_cpu is not None else "-"
            print(f"{step.sessions:>8} {len(step.reruns):>7} {statistics.median(times):>7.3f} "
                  f"{step.p95:>7.3f} {max(times):>7.3f} {step.errors:>7} {app:>8} "
                  f"{step.client_cpu:>10.0%} {step.load:>5.2f}", flush=True)
            if crossing(steps) is not None or count >= arguments.most:
                return steps
            count += arguments.step
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def crossing(steps: list[Step]) -> int | None:
    """The first step whose p95 passed 1 s, when the next one's did too."""
    return next((n for n in range(len(steps) - 1)
                 if steps[n].p95 >= 1 and steps[n + 1].p95 >= 1), None)


def report_ramp(steps: list[Step], results: Results) -> int:
    crossed = crossing(steps)
    if crossed is None:
        print(f"p95 did not pass 1 s in two steps running, up to {steps[-1].sessions} "
              "sessions (--most)")
        return 1
    below = steps[crossed - 1] if crossed else None
    after = steps[crossed + 1]
    print(f"p95 passed 1 s at {steps[crossed].sessions} sessions ({steps[crossed].p95:.2f} s; "
          f"{after.p95:.2f} s at {after.sessions})"
          + (f"; at {below.sessions} it was {below.p95:.2f} s" if below else
             ": already at the first step"))
    earlier = sum(step.errors for step in steps[:crossed])
    print(f"errors: {len(results.errors)} ({earlier} before p95 passed 1 s)")
    for error in results.errors[:20]:
        print(f"  {error}")
    return 0 if crossed and not earlier else 1


def report_memory(results: Results, idle: int, final: int) -> int:
    peak = max(results.memory, default=final)
    print(f"app memory: {idle / 1e6:.0f} MB after warm-up, peak {peak / 1e6:.0f} MB, "
          f"{final / 1e6:.0f} MB at the end")
    # Its course: the highest reading in each tenth of the run (a steady
    # climb is memory kept; a lone spike, work done at once by many).
    tenth = max(1, len(results.memory) // 10)
    print("  by tenths of the run, MB: " + " ".join(
        f"{max(results.memory[start:start + tenth]) / 1e6:.0f}"
        for start in range(0, len(results.memory), tenth)))
    return peak


NOT_READ = ("app memory: not read (--url: the app is not a process this client started; "
            "behind a proxy it is several, perhaps on other hosts; read each replica's "
            "on its host, e.g. systemctl status pcnmap@8501)")


async def main(arguments: argparse.Namespace) -> int:
    server = None
    if arguments.url:
        url = target(arguments.url)
    else:
        port = arguments.port or free_port()
        server = start_app(port)
        url = f"ws://127.0.0.1:{port}"
    results = Results()
    print(f"target: {arguments.url or 'the app this client started, ' + url}")
    print(f"load average at the start: {load_average()} ({os.cpu_count()} cores)")
    try:
        started = time.monotonic()
        await warm(url, results)
        warmed = time.monotonic() - started
        print(f"warm-up (every page of every snapshot once, one session): {warmed:.1f} s",
              flush=True)
        idle = resident(server.pid) if server else 0
        if arguments.ramp:
            memory = (asyncio.create_task(sample_memory(server.pid, results, math.inf))
                      if server else None)
            try:
                steps = await ramp(url, arguments, results, server)
            finally:
                if memory:
                    memory.cancel()
            print(f"load average at the end: {load_average()}")
            status = report_ramp(steps, results)
            if server:
                report_memory(results, idle, resident(server.pid))
            else:
                print(NOT_READ)
            return status
        server_cpu = cpu_seconds(server.pid) if server else 0.0
        client_cpu = time.process_time()
        deadline = time.monotonic() + arguments.seconds
        sessions = [Session(url, n, results) for n in range(1, arguments.sessions + 1)]
        if arguments.hostile:
            sessions.append(Uploader(url, 0, results))
        await asyncio.gather(*([sample_memory(server.pid, results, deadline)] if server else []),
                             *(s.run(deadline, arguments.think) for s in sessions))
        final = resident(server.pid) if server else 0
        server_cpu = cpu_seconds(server.pid) - server_cpu if server else 0.0
        client_cpu = time.process_time() - client_cpu
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
    everything = [t for times in results.reruns.values() for t in times]
    print(f"{arguments.sessions} sessions for {arguments.seconds:.0f} s, think time "
          f"{arguments.think:.1f} s (0.5-1.5x)")
    print(f"{'page':<20} {'reruns':>7} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    for page, times in sorted(results.reruns.items()):
        print(f"{page:<20} {len(times):>7} {statistics.median(times):>7.3f} "
              f"{percentile(times, 0.95):>7.3f} {max(times):>7.3f}")
    p95 = percentile(everything, 0.95) if everything else float("inf")
    print(f"{'all':<20} {len(everything):>7} {statistics.median(everything):>7.3f} "
          f"{p95:>7.3f} {max(everything):>7.3f}")
    if server:
        peak = report_memory(results, idle, final)
        print(f"processor: the app {server_cpu / arguments.seconds:.0%} of a core, this "
              f"client {client_cpu / arguments.seconds:.0%} ({os.cpu_count()} cores)")
    else:
        peak = 0
        print(NOT_READ)
        print(f"processor: this client {client_cpu / arguments.seconds:.0%} of a core "
              f"({os.cpu_count()} cores)")
    print(f"load average at the end: {load_average()}")
    if not results.choices:  # the run would not be the one the figures claim
        results.errors.append("no session chose a commissioner: the picker was not found")
    print(f"commissioners chosen: {results.choices}")
    print(f"errors: {len(results.errors)}")
    for error in results.errors[:20]:
        print(f"  {error}")
    if results.errors and server:
        print(f"the app's log (the errors' details): {APP_LOG}")
    slowest = max((upload[1] for upload in results.uploads), default=0)
    workers = max(results.workers, default=0)
    if arguments.hostile:
        print(f"hostile uploads: {len(results.uploads)}, the slowest verdict after "
              f"{slowest:.1f} s" + (f"; upload workers' peak memory {workers / 1e6:.0f} MB"
                                    if server else ""))
        for name in dict.fromkeys(name for name, *_ in results.uploads):
            mine = [u for u in results.uploads if u[0] == name]
            print(f"  {name}: verdict after {max(u[1] for u in mine):.1f} s at most, page done "
                  f"after {max(u[2] for u in mine):.1f} s" + (
                      f", the app at {max(u[4] for u in mine) / 1e6:.0f} MB at most"
                      if server else "") + f": {mine[0][3]}")
    return 0 if (not results.errors and p95 < 1 and peak < 600e6 and slowest < 10
                 and workers < 500e6) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="",
                        help="an app already served, e.g. http://127.0.0.1:8080/pcnmap/ (a "
                             "proxy or one replica); without it, the app is started here")
    parser.add_argument("--sessions", type=int, default=None,
                        help="sessions at once (default 20); with --ramp, the first step's "
                             "(default --step)")
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--think", type=float, default=THINK,
                        help="mean pause between a person's actions, seconds")
    parser.add_argument("--hostile", action="store_true",
                        help="one more session uploading hostile files all the while")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ramp", action="store_true",
                        help="add sessions step by step until p95 passes 1 s")
    parser.add_argument("--step", type=int, default=5, help="sessions added at each step")
    parser.add_argument("--step-seconds", type=float, default=60,
                        help="how long each step runs")
    parser.add_argument("--most", type=int, default=150,
                        help="the most sessions a ramp adds up to")
    options = parser.parse_args()
    if options.ramp and options.hostile:
        parser.error("--hostile is for a fixed number of sessions, not --ramp")
    if not options.ramp and options.sessions is None:
        options.sessions = 20
    sys.exit(asyncio.run(main(options)))
