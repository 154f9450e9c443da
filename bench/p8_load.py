"""Many concurrent users through gunicorn (P8): a mix of logged-in pages beside the bare floor.

Gunicorn is started as the README documents (gthread, 4 workers × 4 threads, --preload,
`VAKBEKWAAM_ENV=production`) on a loopback port, serving `bench.p8_app:app` (the product app and
the bare 50-row template route) against the PostgreSQL demo database. Several workers,
supervisors, HR and an admin log in through the real form; wrk (the Debian package, installed
with apt-get when missing) then drives their main pages with 8 connections, a Lua script cycling
through (page, session cookie) pairs, taking four turns with the anonymous bare page on the same
server (as long in all). Targets: the mix at ≥ 40 % of the floor's requests a second, p95 ≤ 100
ms (the worst turn's). Resident (RSS) and proportional (PSS: shared pages split between the
processes) memory of each gunicorn worker is read from /proc after the load. Everything the
benchmark starts it stops.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.databases import BENCH_SECRET
from bench.first_page import ADMIN, BARE_PATH, HR, SUPERVISOR, WORKER
from bench.timing import Result
from portfolio.demo import DEMO_PASSWORD

CONNECTIONS, THREADS = 8, 2
ROUNDS = 4  # turns of the mix and the floor (each a quarter of the time)
TARGET_SHARE, TARGET_P95_S = 0.40, 0.100
GUNICORN_ARGS = ("--workers", "4", "--worker-class", "gthread", "--threads", "4", "--preload")
WORKER_PAGES = (
    "/portfolio/",
    "/portfolio/entries",
    "/portfolio/development",
    "/portfolio/registrations",
    "/notifications",
)
SUPERVISOR_PAGES = ("/team/", "/team/sign-off", "/team/members/{member}")
HR_PAGES = ("/hr/people", "/hr/overview", "/hr/evaluations", "/catalogue")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LUA = """
local pages = {
%s
}
local counter = 0
local thread_id = 0
function setup(thread)
  thread:set("offset", thread_id * 7)
  thread_id = thread_id + 1
end
function request()
  counter = counter + 1
  local page = pages[((counter + offset) %% #pages) + 1]
  return wrk.format("GET", page[1], {["Cookie"] = page[2], ["Accept-Encoding"] = "gzip"})
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, '
    .. '"bad_status": %%d, "socket_errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass(frozen=True)
class Load:
    requests_per_s: float
    p50_s: float
    p95_s: float
    p99_s: float
    requests: int
    bad: int


def _wrk() -> str:
    """The wrk binary; installed from Debian when missing (the bench runs as root here)."""
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed and apt-get could not install it")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _get(base: str, path: str, cookie: str = "") -> tuple[int, str, dict]:
    request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
        base + path, headers={"Cookie": cookie} if cookie else {}
    )
    try:
        with _OPENER.open(request, timeout=60) as response:
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), error.headers


def _cookies(headers, jar: dict[str, str]) -> dict[str, str]:
    for value in headers.get_all("Set-Cookie") or []:
        name, _, rest = value.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def _log_in(base: str, email: str) -> str:
    """The session cookie of `email`, logged in through the real form (Secure cookies are
    sent back by hand: the benchmark talks plain HTTP on loopback)."""
    status, html, headers = _get(base, "/login")
    jar = _cookies(headers, {})
    token = CSRF_RE.search(html)
    if status != 200 or not token:
        raise RuntimeError(f"GET /login answered {status}")
    body = urllib.parse.urlencode(
        {"email": email, "password": DEMO_PASSWORD, "csrf_token": token.group(1)}
    ).encode()
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
        base + "/login", data=body, headers={"Cookie": cookie}
    )
    try:
        _OPENER.open(request, timeout=60)
        raise RuntimeError(f"log-in of {email} did not redirect")
    except urllib.error.HTTPError as error:
        if error.code != 302:
            raise RuntimeError(f"log-in of {email} answered {error.code}") from error
        jar = _cookies(error.headers, jar)
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def _people(url: str) -> dict:
    """Log-ins of the mix: the demo accounts and a few synthetic workers and supervisors."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            workers = connection.scalars(
                text(
                    "SELECT u.email FROM user_account u WHERE u.role = 'worker' "
                    "AND u.email LIKE '%synthetisch%' AND EXISTS (SELECT 1 FROM registration r "
                    "WHERE r.owner_id = u.id) ORDER BY u.id LIMIT 3"
                )
            ).all()
            supervisor = connection.scalars(
                text(
                    "SELECT u.email FROM user_account u JOIN team_lead t ON t.user_id = u.id "
                    "WHERE u.email LIKE 'leiding%' ORDER BY u.id LIMIT 1"
                )
            ).all()
            member = connection.scalar(
                text("SELECT id FROM user_account WHERE email = :email"), {"email": WORKER}
            )
    finally:
        engine.dispose()
    return {
        "workers": [WORKER, "collega@demo.vakbekwaam.nl", *workers],
        "supervisors": [SUPERVISOR, *supervisor],
        "hr": [HR, ADMIN],
        "member": member,
    }


def _mix(base: str, url: str) -> list[tuple[str, str]]:
    """(path, cookie) of every page in the mix, each checked to answer 200 (and warmed)."""
    people = _people(url)
    pages: list[tuple[str, str]] = []
    for email in people["workers"]:
        cookie = _log_in(base, email)
        pages += [(path, cookie) for path in WORKER_PAGES]
    for email in people["supervisors"]:
        cookie = _log_in(base, email)
        for path in SUPERVISOR_PAGES:
            if "{member}" in path and email != SUPERVISOR:
                continue
            pages.append((path.format(member=people["member"]), cookie))
    for email in people["hr"]:
        cookie = _log_in(base, email)
        pages += [(path, cookie) for path in HR_PAGES]
    pages.append(("/admin/audit", cookie))  # the admin's cookie: the last of people["hr"]
    for path, cookie in pages:
        status, _body, _headers = _get(base, path, cookie)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status} before the load")
    return pages


def _lua(pages: list[tuple[str, str]]) -> str:
    rows = ",\n".join(f"  {{{json.dumps(path)}, {json.dumps(cookie)}}}" for path, cookie in pages)
    return LUA % rows


def _drive(wrk: str, base: str, script: Path, seconds: int) -> Load:
    done = subprocess.run(
        [
            wrk,
            f"-t{THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base + "/",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    line = [row for row in done.stdout.splitlines() if row.startswith("{")][-1]
    found = json.loads(line)
    return Load(
        requests_per_s=found["requests"] / (found["duration_us"] / 1e6),
        p50_s=found["p50_us"] / 1e6,
        p95_s=found["p95_us"] / 1e6,
        p99_s=found["p99_us"] / 1e6,
        requests=found["requests"],
        bad=found["bad_status"] + found["socket_errors"],
    )


def _together(loads: list[Load]) -> Load:
    """The turns of one load as one: requests a second over all of them; of the latencies the
    median's median and, for p95 and p99, the worst turn's (wrk gives no histogram to merge)."""
    seconds = sum(load.requests / load.requests_per_s for load in loads)
    requests = sum(load.requests for load in loads)
    return Load(
        requests_per_s=requests / seconds,
        p50_s=sorted(load.p50_s for load in loads)[len(loads) // 2],
        p95_s=max(load.p95_s for load in loads),
        p99_s=max(load.p99_s for load in loads),
        requests=requests,
        bad=sum(load.bad for load in loads),
    )


def _memory(master: int) -> list[tuple[int, int, int]]:
    """[(RSS, PSS, private) in bytes] of each gunicorn worker (children of the master).
    Private memory (USS) is what one more worker costs: PSS also holds the worker's share of
    what the master loaded before forking (the privacy scan's lists, gunicorn.conf.py)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    found = []
    for pid in children:
        fields = {}
        for row in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, value, *_unit = row.split()
            fields[name.rstrip(":")] = int(value) * 1024
        private = fields["Private_Clean"] + fields["Private_Dirty"]
        found.append((fields["Rss"], fields["Pss"], private))
    return found


@contextmanager
def _gunicorn(url: str, *, preload_privacy_scan: bool = True):
    """A gunicorn as the README starts it, on a free loopback port; stopped on exit. Without
    `preload_privacy_scan` the master does not load the privacy scan's lists (what a worker
    holds when no text was scanned: the issue's measure)."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "VAKBEKWAAM_ENV": "production",
        "SECRET_KEY": BENCH_SECRET,
        "DATABASE_URL": url,
        "MAIL_BACKEND": "console",
        "VAKBEKWAAM_PRELOAD_PRIVACY_SCAN": "1" if preload_privacy_scan else "0",
    }
    environment.pop("CACHE_REDIS_URL", None)
    log = tempfile.NamedTemporaryFile(prefix="vakbekwaam-p8-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            *GUNICORN_ARGS,
            "--bind",
            f"127.0.0.1:{port}",
            "bench.p8_app:app",
        ],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        deadline = time.monotonic() + 300  # the master loads the privacy scan (gunicorn.conf.py)
        while True:
            try:
                if _get(base, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {log.name}")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        os.unlink(log.name)


def run(url: str, *, label: str, quick: bool) -> list[Result]:
    """The mix and the floor on one server, and the memory of its workers."""
    wrk = _wrk()
    seconds = 8 if quick else 20
    with _gunicorn(url) as (base, master), tempfile.TemporaryDirectory() as folder:
        pages = _mix(base, url)
        mix_script, floor_script = Path(folder) / "mix.lua", Path(folder) / "floor.lua"
        mix_script.write_text(_lua(pages))
        floor_script.write_text(_lua([(BARE_PATH, "")]))
        _drive(wrk, base, mix_script, 3)  # warm every worker's caches and connections
        # The mix and the floor take turns, so both meet the same machine: on a shared VM
        # the floor alone moved by a third between runs a minute apart.
        mixes, floors = [], []
        for _ in range(ROUNDS):
            mixes.append(_drive(wrk, base, mix_script, seconds // ROUNDS))
            floors.append(_drive(wrk, base, floor_script, seconds // ROUNDS))
        memory = _memory(master)
    without_scan = _memory_without_privacy_scan(wrk, url, seconds // ROUNDS)
    mix, floor = _together(mixes), _together(floors)
    share = mix.requests_per_s / floor.requests_per_s
    rss, pss, private = _mean_mb(memory)
    rss_unscanned, pss_unscanned, private_unscanned = _mean_mb(without_scan)
    people = len({cookie for _path, cookie in pages})
    return [
        Result(
            "P8",
            f"{len(pages)} pages of {people} log-ins, {CONNECTIONS} clients: "
            f"{mix.requests_per_s:.0f} req/s vs floor {floor.requests_per_s:.0f} req/s "
            f"({share:.0%}; target ≥ {TARGET_SHARE:.0%}), {label}",
            1 / mix.requests_per_s,
            1 / floor.requests_per_s,
            target=f"≤ {1 / TARGET_SHARE:.1f}× (s/req)",
            passed=share >= TARGET_SHARE and mix.bad == 0,
        ),
        Result(
            "P8",
            f"p95 latency of the mix (p50 {mix.p50_s * 1000:.0f} ms, p99 "
            f"{mix.p99_s * 1000:.0f} ms; floor p95 {floor.p95_s * 1000:.0f} ms; "
            f"{mix.bad} bad answers of {mix.requests}), {label}",
            mix.p95_s,
            target=f"≤ {TARGET_P95_S * 1000:.0f} ms",
            passed=mix.p95_s <= TARGET_P95_S and mix.bad == 0,
        ),
        Result(
            "P8",
            f"memory per gunicorn worker after the load ({len(memory)} workers, --preload): "
            f"RSS {rss:.0f} MB, PSS {pss:.0f} MB, private {private:.0f} MB (one more worker)",
            None,
            target="info",
        ),
        Result(
            "P8",
            "memory per gunicorn worker after the mix, the privacy scan's lists not loaded "
            "(VAKBEKWAAM_PRELOAD_PRIVACY_SCAN=0; no text scanned, as when the issue measured "
            f"~150 MB PSS): RSS {rss_unscanned:.0f} MB, PSS {pss_unscanned:.0f} MB, "
            f"private {private_unscanned:.0f} MB",
            None,
            target="info (half of ~150 MB PSS)",
        ),
    ]


def _mean_mb(memory: list[tuple[int, int, int]]) -> tuple[float, float, float]:
    """(RSS, PSS, private) of the average worker, in MB."""
    return tuple(sum(row[i] for row in memory) / len(memory) / 2**20 for i in range(3))


def _memory_without_privacy_scan(wrk: str, url: str, seconds: int) -> list[tuple[int, int, int]]:
    """The workers' memory on a server whose master did not load the privacy scan's lists,
    after the same mix."""
    with (
        _gunicorn(url, preload_privacy_scan=False) as (base, master),
        tempfile.TemporaryDirectory() as folder,
    ):
        script = Path(folder) / "mix.lua"
        script.write_text(_lua(_mix(base, url)))
        _drive(wrk, base, script, seconds)
        return _memory(master)
