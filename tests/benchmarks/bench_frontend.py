"""The front end through Lighthouse: the home page, a news article and a profile of the
demo, as a logged-in employee sees them, against a bare static HTML page in the same run.

Unlike the other benchmarks this one needs a real server and a real browser: it makes a
demo portal of its own (a temporary folder as ``PORTAL_VAR_DIR``: SQLite, ``migrate``,
``load_demo``), serves it with daphne on a free local port as ``make run`` does (dev
settings, no DEBUG, static files served by the app, no compression), logs in through the
login form and hands the session cookie to Lighthouse (``--extra-headers``).

Lighthouse comes from the npm registry, installed once into ``var/node/`` (ignored by git;
``npm install --prefix var/node lighthouse@12``) and run on Debian's Chromium
(``CHROME_PATH``, default ``/usr/bin/chromium``; ``--headless=new --no-sandbox``), with its
default settings: a mid-range phone on a throttled (simulated) mobile network.
``PORTAL_LIGHTHOUSE_PRESET=desktop`` runs its desktop preset instead.

Printed for each page: the performance, accessibility and best-practices scores (targets:
performance and accessibility >= 90), each as a ratio to the bare page's, the audits that
cost points, and the weight of the page's CSS and JavaScript (its ``<link
rel=stylesheet>`` and ``<script src>`` files, gzip-compressed here at level 6 as a
compressing proxy would send them; target < 150 kB).

When Lighthouse cannot run (no npm, no registry, no Chromium) the benchmark says why and
is skipped; it is BROKEN only when a page of the portal does not answer 200.
With ``--quick``: the home page only.
"""

from __future__ import annotations

import contextlib
import gzip
import html.parser
import http.cookiejar
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.benchmarks.harness import Context

ROOT = Path(__file__).resolve().parents[2]
NODE_PREFIX = ROOT / "var" / "node"
LIGHTHOUSE_SPEC = "lighthouse@12"
LIGHTHOUSE_BIN = NODE_PREFIX / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
CATEGORIES = ("performance", "accessibility", "best-practices")
DEMO_USER = "employee@example.com"
TARGET_SCORE = 90  # performance and accessibility
TARGET_WEIGHT_KB = 150.0
GZIP_LEVEL = 6
SERVER_START_SECONDS = 60
LIGHTHOUSE_SECONDS = 240
ATTEMPTS = 3

BARE_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="A bare page: the baseline of the front-end benchmark.">
<link rel="icon" href="data:,"><title>Bare page</title></head>
<body><main><h1>Bare page</h1><p>The baseline: no style sheet, no script.</p></main></body>
</html>
"""


class Unavailable(Exception):
    """Lighthouse cannot run here: the benchmark is skipped, with this reason."""


class Broken(Exception):
    """The portal did not answer as it should."""


@dataclass
class PageResult:
    label: str
    path: str
    scores: dict = field(default_factory=dict)
    losses: dict = field(default_factory=dict)  # category -> ["audit-id (score)", ...]
    files: list = field(default_factory=list)  # (url, raw bytes, gzip bytes)
    console: list = field(default_factory=list)  # the errors in the browser's console
    error: str = ""

    @property
    def gzip_kb(self) -> float:
        return sum(gz for _url, _raw, gz in self.files) / 1000

    @property
    def raw_kb(self) -> float:
        return sum(raw for _url, raw, _gz in self.files) / 1000


# --- Lighthouse ----------------------------------------------------------------------


def ensure_lighthouse() -> Path:
    """The Lighthouse executable, installed into var/node/ when it is missing."""
    if LIGHTHOUSE_BIN.exists():
        return LIGHTHOUSE_BIN
    npm = shutil.which("npm")
    if not npm or not shutil.which("node"):
        raise Unavailable("no node/npm on this machine (Lighthouse is an npm package)")
    NODE_PREFIX.mkdir(parents=True, exist_ok=True)
    print(f"Installing {LIGHTHOUSE_SPEC} into {NODE_PREFIX.relative_to(ROOT)}/ ...", flush=True)
    try:
        subprocess.run(
            [npm, "install", "--prefix", str(NODE_PREFIX), "--no-audit", "--no-fund", "--quiet"]
            + ["--no-save", LIGHTHOUSE_SPEC],
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        )
    except subprocess.CalledProcessError as error:
        tail = (error.stderr or error.stdout or "").strip().splitlines()[-3:]
        raise Unavailable(f"npm install {LIGHTHOUSE_SPEC} failed: {' / '.join(tail)}") from None
    except subprocess.TimeoutExpired:
        raise Unavailable(f"npm install {LIGHTHOUSE_SPEC} took more than 10 minutes") from None
    if not LIGHTHOUSE_BIN.exists():
        raise Unavailable(f"npm installed {LIGHTHOUSE_SPEC} but {LIGHTHOUSE_BIN} is missing")
    return LIGHTHOUSE_BIN


def chrome_path() -> str:
    path = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise Unavailable(f"no Chromium at {path} (apt-get install chromium, or set CHROME_PATH)")
    return path


def lighthouse_version(binary: Path) -> str:
    try:
        done = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise Unavailable(f"{binary} does not start: {error}") from None
    if done.returncode != 0:
        raise Unavailable(f"{binary} --version failed: {done.stderr.strip()[:200]}")
    return done.stdout.strip()


def run_lighthouse(binary: Path, chrome: str, url: str, headers: dict, workdir: Path) -> dict:
    """Lighthouse's JSON report of ``url``, tried again when Lighthouse itself fails (its
    trace recording is flaky on a loaded machine: NO_NAVSTART, NO_FCP...); raises
    Unavailable after ATTEMPTS failures."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _run_lighthouse_once(binary, chrome, url, headers, workdir)
        except Unavailable as reason:
            if attempt == ATTEMPTS:
                raise
            print(f"  (Lighthouse failed on {url}, trying again: {reason})", flush=True)
    raise AssertionError("unreachable")


def _run_lighthouse_once(binary: Path, chrome: str, url: str, headers: dict, workdir: Path) -> dict:
    stem = workdir / f"lh-{abs(hash(url))}"
    headers_file = stem.with_suffix(".headers.json")
    headers_file.write_text(json.dumps(headers))
    report = stem.with_suffix(".json")
    command = [
        str(binary),
        url,
        "--output=json",
        f"--output-path={report}",
        f"--chrome-path={chrome}",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--extra-headers={headers_file}",
        "--max-wait-for-load=60000",
        "--quiet",
    ]
    preset = os.environ.get("PORTAL_LIGHTHOUSE_PRESET", "")
    if preset:
        command.append(f"--preset={preset}")
    env = {**os.environ, "CHROME_PATH": chrome}
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=LIGHTHOUSE_SECONDS, env=env
        )
    except subprocess.TimeoutExpired:
        raise Unavailable(f"Lighthouse took more than {LIGHTHOUSE_SECONDS}s on {url}") from None
    finally:
        headers_file.unlink(missing_ok=True)
    if done.returncode != 0 or not report.exists():
        tail = " / ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
        raise Unavailable(f"Lighthouse failed on {url} (exit {done.returncode}): {tail}")
    data = json.loads(report.read_text())
    report.unlink()
    if data.get("runtimeError"):
        raise Unavailable(f"Lighthouse on {url}: {data['runtimeError'].get('message')}")
    return data


def console_errors(report: dict) -> list[str]:
    items = report.get("audits", {}).get("errors-in-console", {}).get("details", {})
    return [
        f"{item.get('source', '')}: {item.get('description', '')[:160]}"
        for item in items.get("items", [])
    ]


def scores_of(report: dict) -> tuple[dict, dict]:
    scores, losses = {}, {}
    audits = report.get("audits", {})
    for category in CATEGORIES:
        data = report["categories"].get(category, {})
        score = data.get("score")
        scores[category] = None if score is None else round(score * 100)
        lost = []
        for ref in data.get("auditRefs", []):
            audit = audits.get(ref["id"], {})
            if ref.get("weight") and audit.get("score") is not None and audit["score"] < 0.9:
                lost.append((ref["weight"] * (1 - audit["score"]), ref["id"], audit["score"]))
        losses[category] = [f"{name} ({score:.2f})" for _w, name, score in sorted(lost)[::-1]]
    return scores, losses


# --- A demo portal of its own ----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AssetParser(html.parser.HTMLParser):
    """The style sheets and scripts a page loads."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        rel = (attributes.get("rel") or "").lower().split()
        if tag == "link" and "stylesheet" in rel and attributes.get("href"):
            self.urls.append(attributes["href"])
        elif tag == "script" and attributes.get("src"):
            self.urls.append(attributes["src"])


class DemoPortal:
    """``make run``'s portal on a temporary folder and a free port."""

    def __init__(self):
        self.tmpdir = Path(tempfile.mkdtemp(prefix="portal-frontend-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
            "PORTAL_VAR_DIR": str(self.tmpdir),
            "PORTAL_BASE_URL": self.base,
            "LOG_LEVEL": "WARNING",
        }
        for name in ("DATABASE_URL", "PORTAL_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"):
            self.env.pop(name, None)
        self.server: subprocess.Popen | None = None
        self.log = self.tmpdir / "server.log"
        jar = http.cookiejar.CookieJar()
        self.jar = jar
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def manage(self, *args: str, timeout: int = 900) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise Broken(f"manage.py {' '.join(args)} failed: {done.stderr.strip()[-500:]}")
        return done.stdout

    def start(self) -> None:
        started = time.perf_counter()
        self.manage("migrate", "--noinput")
        self.manage("load_demo")
        print(f"Demo portal made in {time.perf_counter() - started:.0f}s", flush=True)
        with open(self.log, "wb") as log:
            self.server = subprocess.Popen(
                [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port)]
                + ["portal.asgi:application"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise Broken(f"daphne stopped: {self.log.read_text()[-500:]}")
            if self.get("/healthz")[0] == 200:
                return
            time.sleep(0.5)
        raise Broken(f"the portal did not answer /healthz within {SERVER_START_SECONDS}s")

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.server.kill()
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def get(self, path: str) -> tuple[int, bytes]:
        """GET a path of the portal (with the session, once logged in), following
        redirects; (status, body), status 0 when nothing answers."""
        return self.fetch(path)[:2]

    def fetch(self, path: str) -> tuple[int, bytes, str]:
        """(status, body, the path redirects ended on)."""
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                final = response.geturl().removeprefix(self.base)
                return response.status, response.read(), final
        except urllib.error.HTTPError as error:
            return error.code, error.read(), path
        except OSError:
            return 0, b"", path

    def log_in(self, email: str, password: str) -> str:
        """Log in through the form; returns the Cookie header of the session."""
        status, _body = self.get("/account/login/")
        csrf = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        if status != 200 or not csrf:
            raise Broken(f"/account/login/ answered {status}, csrftoken cookie {bool(csrf)}")
        form = urllib.parse.urlencode(
            {"username": email, "password": password, "csrfmiddlewaretoken": csrf}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - our own http://127.0.0.1 server
            self.base + "/account/login/", data=form, headers={"Referer": self.base + "/"}
        )
        with contextlib.suppress(urllib.error.HTTPError):
            self.opener.open(request, timeout=60).close()
        cookies = {c.name: c.value for c in self.jar}
        if "sessionid" not in cookies:
            raise Broken(f"logging in as {email} did not give a session cookie")
        return "; ".join(f"{name}={value}" for name, value in cookies.items())

    def demo_paths(self) -> dict:
        """A published news article and the demo employee's profile."""
        code = (
            "import json; from portal.editorial.news.models import NewsPage; "
            "from portal.accounts.models import User; "
            "page = NewsPage.objects.live().filter(locale__language_code='en')"
            ".order_by('-first_published_at').first(); "
            f"user = User.objects.get(email={DEMO_USER!r}); "
            "print(json.dumps({'news': page.url if page else None, "
            "'profile': user.get_absolute_url()}))"
        )
        return json.loads(self.manage("shell", "-c", code).strip().splitlines()[-1])

    def weigh(self, html: bytes, page_url: str) -> list:
        parser = AssetParser()
        parser.feed(html.decode("utf-8", "replace"))
        files = []
        for src in dict.fromkeys(parser.urls):
            url = urllib.parse.urljoin(page_url, src)
            if not url.startswith(self.base):
                files.append((url, 0, 0))  # another origin: the CSP would refuse it anyway
                continue
            status, body = self.get(url.removeprefix(self.base))
            if status != 200:
                raise Broken(f"{src} (on {page_url}) answered {status}")
            files.append((url, len(body), len(gzip.compress(body, compresslevel=GZIP_LEVEL))))
        return files


@contextlib.contextmanager
def bare_server(folder: Path):
    """The baseline: a bare static page, served by Python's own HTTP server."""
    (folder / "index.html").write_text(BARE_PAGE)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# --- The report ------------------------------------------------------------------------


def _score(value) -> str:
    return "n/a" if value is None else f"{value:3d}"


def _ratio(value, base) -> str:
    return "n/a" if value is None or not base else f"{value / base:.2f}"


def print_results(results: list[PageResult], bare: PageResult) -> None:
    print(
        f"{'page':<14} {'perf':>4} {'a11y':>4} {'b-p':>4}  ratios to the bare page "
        f"(perf/a11y/b-p)   CSS+JS gzip (raw), files"
    )
    print(
        f"{'bare page':<14} {_score(bare.scores.get('performance'))} "
        f"{_score(bare.scores.get('accessibility'))} {_score(bare.scores.get('best-practices'))}"
        f"  1.00/1.00/1.00{'':20}0.0 kB"
    )
    for result in results:
        ratios = "/".join(_ratio(result.scores.get(c), bare.scores.get(c)) for c in CATEGORIES)
        print(
            f"{result.label:<14} {_score(result.scores.get('performance'))} "
            f"{_score(result.scores.get('accessibility'))} "
            f"{_score(result.scores.get('best-practices'))}  {ratios:<34}"
            f"{result.gzip_kb:.1f} kB ({result.raw_kb:.1f} kB), {len(result.files)} files"
        )
    print()
    for result in results:
        print(f"{result.label} ({result.path}):")
        perf, a11y = result.scores.get("performance"), result.scores.get("accessibility")
        verdicts = [
            f"performance {_score(perf).strip()} (target >= {TARGET_SCORE}: "
            f"{'met' if perf is not None and perf >= TARGET_SCORE else 'MISSED'})",
            f"accessibility {_score(a11y).strip()} (target >= {TARGET_SCORE}: "
            f"{'met' if a11y is not None and a11y >= TARGET_SCORE else 'MISSED'})",
            f"CSS+JS {result.gzip_kb:.1f} kB gzip (target < {TARGET_WEIGHT_KB:.0f} kB: "
            f"{'met' if result.gzip_kb < TARGET_WEIGHT_KB else 'MISSED'})",
        ]
        print("  " + "; ".join(verdicts))
        for category in CATEGORIES:
            if result.losses.get(category):
                print(f"  {category} lost points on: {', '.join(result.losses[category][:6])}")
        for line in result.console[:5]:
            print(f"  console error: {line}")
        for url, raw, gz in sorted(result.files, key=lambda f: -f[2]):
            print(f"    {gz / 1000:6.1f} kB gzip ({raw / 1000:6.1f} kB)  {url}")
    print()


def run(ctx: Context) -> bool:
    preset = os.environ.get("PORTAL_LIGHTHOUSE_PRESET", "") or "mobile (Lighthouse's default)"
    print("== Front end: Lighthouse on the home page, a news article and a profile ==")
    try:
        binary = ensure_lighthouse()
        chrome = chrome_path()
        version = lighthouse_version(binary)
    except Unavailable as reason:
        print(f"SKIPPED: Lighthouse cannot run here: {reason}")
        print()
        return True
    print(f"Lighthouse {version} on {chrome} ({CHROME_FLAGS}); preset {preset}")
    portal = DemoPortal()
    workdir = portal.tmpdir
    try:
        portal.start()
        password = json.loads((ROOT / "fixtures" / "demo" / "portal.json").read_text())["password"]
        cookie = portal.log_in(DEMO_USER, password)
        paths = portal.demo_paths()
        pages = [("home", "/")]
        if not ctx.quick:
            if not paths.get("news") or not paths.get("profile"):
                raise Broken(f"the demo has no news article or profile: {paths}")
            pages += [("news article", paths["news"]), ("profile", paths["profile"])]
        print(
            f"Demo portal at {portal.base} (dev settings, SQLite in a temporary folder), "
            f"logged in as {DEMO_USER}; CSS+JS weighed at gzip level {GZIP_LEVEL}",
            flush=True,
        )
        results = []
        for label, path in pages:
            # Lighthouse gets the page redirects end on (a profile's link redirects).
            status, body, final = portal.fetch(path)
            if status != 200 or final.startswith("/account/login/"):
                raise Broken(f"{path} answered {status} at {final}")
            results.append(PageResult(label, final, files=portal.weigh(body, portal.base + final)))
        with bare_server(workdir) as bare_url:
            bare = PageResult("bare page", bare_url)
            bare.scores, bare.losses = scores_of(
                run_lighthouse(binary, chrome, bare_url, {}, workdir)
            )
        for result in results:
            report = run_lighthouse(
                binary, chrome, portal.base + result.path, {"Cookie": cookie}, workdir
            )
            final = report.get("finalDisplayedUrl") or report.get("finalUrl") or ""
            if "/account/login/" in final:
                raise Broken(f"Lighthouse was sent to {final} from {result.path}")
            result.scores, result.losses = scores_of(report)
            result.console = console_errors(report)
    except Unavailable as reason:
        print(f"SKIPPED: Lighthouse did not run to the end: {reason}")
        print()
        return True
    except Broken as error:
        print(f"BROKEN: {error}")
        print()
        return False
    except Exception as error:  # a benchmark reports, it does not crash the run
        print(f"BROKEN: {error!r}")
        print()
        return False
    finally:
        portal.stop()
    print_results(results, bare)
    return True
