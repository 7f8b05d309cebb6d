"""The clinic server under load: N therapists press Analyse at once, on loopback with headless Chromium.

    python bench/bench_clinic.py [--analyses 8] [--stores sqlite,postgresql] [--servers 1,2] [--clip CLIP] [--write]

For each store (SQLite file; PostgreSQL on a throw-away server started as the tests start one) and each number of
app servers (each started as a clinic starts it, `movement-screen app`; one server runs its own analysis pool;
two servers are the README's clinic group on this one machine: one store, one app folder, a Dask scheduler and
one `movement-screen worker` that both servers send their analyses to): N therapist accounts log in, each adds a patient and uploads CLIP (default
the 2.7-s side squat lnewco_ohs_7026_side.mov). First one analysis alone gives the single time; then the N pages
press Analyse one after the other as fast as the browser clicks, and each page notes (in the page, by script) when
its result appears. Meanwhile a fresh browser opens the log-in page again and again (the time until its password
field shows), and the servers' process trees are sampled (resident memory, threads) with the load average.
Sessions are counted from the store and cross-checked with `movement-screen patient list`.

Prints one table row per configuration (and, with --write, puts the table in bench/RESULTS.md). Targets from
issue 33: wall time <= 1.25 x N x one alone; log-in page median <= 2 s, max <= 5 s; memory <= 1 GB above idle
(idle: the servers' trees just after they started, before any page).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from browser import process_tree, stop_process  # noqa: E402 (the tests' helpers, from tests/)
CLIPS = ROOT.parent / "shared" / "videos"
PASSWORD = "a long enough password"
RESULT_TEXT = "Results: Deep squat"
WATCH_JS = """(text) => {
  window.__doneAt = null;
  const seen = () => {
    if (window.__doneAt === null && document.body.textContent.includes(text)) { window.__doneAt = Date.now(); }
  };
  new MutationObserver(seen).observe(document.body, {childList: true, subtree: true, characterData: true});
  seen();
}"""  # textContent needs no layout (innerText, polled, took a tenth of a core per page and slowed every page)


def footprint(servers) -> tuple[float, int]:
    """Resident memory (MB) and threads of every server's process tree."""
    import psutil

    rss = threads = 0
    for server in servers:
        for proc in process_tree(server.proc.pid):
            try:
                rss += proc.memory_info().rss
                threads += proc.num_threads()
            except psutil.NoSuchProcess:
                pass
    return rss / 2**20, threads


class Sampler(threading.Thread):
    """The servers' memory, threads and the load average every half second until stopped."""

    def __init__(self, servers):
        super().__init__(daemon=True)
        self.servers, self.stop, self.peak_mb, self.peak_threads, self.peak_load = servers, threading.Event(), 0, 0, 0

    def run(self) -> None:
        while not self.stop.wait(0.5):
            mb, threads = footprint(self.servers)
            self.peak_mb, self.peak_threads = max(self.peak_mb, mb), max(self.peak_threads, threads)
            self.peak_load = max(self.peak_load, os.getloadavg()[0])


class Helper:
    """A process the app servers use besides themselves: the shared Dask scheduler, `movement-screen worker`."""

    def __init__(self, command: list[str], log: Path, env: dict):
        self.log = open(log, "a")
        self.proc = subprocess.Popen(command, env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT,
                                     cwd=ROOT)

    def stop(self) -> None:
        stop_process(self.proc, self.log, timeout=30)


def cpu_seconds(servers) -> dict[str, float]:
    """CPU seconds so far of the page servers, of their analysis processes (queue, Dask workers), and of this
    bench's Chromium."""
    import psutil

    def total(procs) -> float:
        seconds = 0.0
        for proc in procs:
            try:
                times = proc.cpu_times()
                seconds += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return seconds

    pages, analyses = [], []
    for server in servers:
        top, *below = process_tree(server.proc.pid) or [None]
        if isinstance(server, Helper):
            analyses += [top, *below] if top else []
        else:
            pages += [top] if top else []
            analyses += below
    ours = {p.pid for p in pages + analyses}
    browser = [p for p in psutil.Process().children(recursive=True) if p.pid not in ours
               and "chrom" in p.name().lower()]
    return {"pages": total(pages), "analyses": total(analyses), "browser": total(browser)}


def prepared_page(browser, server, name: str, clip: Path):
    """A therapist logged in, a new patient chosen, the deep squat chosen, the clip uploaded, questions answered."""
    from browser import answer_questions, upload
    from test_browser_clinic import log_in
    from test_browser_record import add_patient

    page = browser.new_context(viewport={"width": 1280, "height": 1600}).new_page()
    log_in(page, server, (name, PASSWORD))
    add_patient(page, f"P-{name}")
    page.get_by_text("Deep squat", exact=True).click()
    upload(page, clip)
    answer_questions(page)
    page.evaluate(WATCH_JS, RESULT_TEXT)
    return page


def press(page) -> float:
    started = time.time()
    page.get_by_role("button", name="Analyse my movement").click()
    return started


def login_time(browser, server) -> float:
    """Seconds from opening the log-in page in a new browser until its password field shows."""
    from playwright.sync_api import expect

    context = browser.new_context()
    page = context.new_page()
    started = time.monotonic()
    page.goto(server.url)
    expect(page.get_by_label("Password", exact=True)).to_be_visible(timeout=120_000)
    took = time.monotonic() - started
    context.close()
    return took


def jobs_of(location: str, patient: str) -> int:
    from movement_screen.store.db import Database

    db = Database(location)
    try:
        return db.execute("SELECT COUNT(*) FROM jobs WHERE patient_id = ? AND state != 'saving'",
                          (patient,)).fetchone()[0]
    finally:
        db.close()


def sessions_in(location: str) -> tuple[int, int]:
    """Sessions in the store, counted directly and by `movement-screen patient list`."""
    from movement_screen.store.db import Database

    db = Database(location)
    try:
        direct = db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    finally:
        db.close()
    listed = subprocess.run([sys.executable, "-m", "movement_screen", "patient", "list", "--store", location],
                            capture_output=True, text=True, check=True).stdout
    return direct, sum(int(n) for n in re.findall(r"sessions: (\d+)", listed))


def configuration(browser, store: str, servers: int, n: int, clip: Path, pg, profile: Path | None = None) -> dict:
    from browser import AppServer, free_port

    from movement_screen.store.clinic import Clinic
    from movement_screen.store.history import Store

    tmp = Path(tempfile.mkdtemp(prefix=f"bench-clinic-{store}-{servers}-"))
    location = pg.new_database() if store == "postgresql" else str(tmp / "history.sqlite")
    with Clinic(Store(location)) as clinic:
        for i in range(n + 1):
            clinic.add_user(f"t{i}", PASSWORD)
    env = {"MOVEMENT_SCREEN_STORE": location, "MOVEMENT_SCREEN_APP_DIR": str(tmp / "app")}
    apps, helpers = [], []
    try:
        if servers > 1:  # the README's clinic group: one Dask scheduler, the workers joining it, app servers using it
            port = free_port()
            helpers.append(Helper([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                   "--port", str(port), "--no-dashboard"], tmp / "scheduler.log", env))
            time.sleep(3)
            env["MOVEMENT_SCREEN_SCHEDULER"] = f"tcp://127.0.0.1:{port}"
            helpers.append(Helper([sys.executable, "-m", "movement_screen", "worker", env["MOVEMENT_SCREEN_SCHEDULER"],
                                   "--workers", "1"], tmp / "worker.log", env))
        for k in range(servers):
            (tmp / f"server{k}").mkdir()
            apps.append(AppServer(tmp / f"server{k}", mode="clinic", env=env, cli=True))
        time.sleep(5)  # the pools have started
        idle_mb, idle_threads = footprint(apps + helpers)
        idle_login = statistics.median(login_time(browser, apps[0]) for _ in range(3))

        alone = prepared_page(browser, apps[0], "t0", clip)
        began = press(alone)
        alone.wait_for_function("window.__doneAt !== null", timeout=300_000, polling=200)
        single = alone.evaluate("window.__doneAt") / 1000 - began
        alone.context.close()

        pages = [prepared_page(browser, apps[i % servers], f"t{i}", clip) for i in range(1, n + 1)]
        sampler = Sampler(apps + helpers)
        sampler.start()
        cpu_before = cpu_seconds(apps + helpers)
        spy = None
        if profile:
            spy = subprocess.Popen(["py-spy", "record", "--pid", str(apps[0].proc.pid), "--format", "speedscope",
                                    "--output", str(profile), "--rate", "50", "--threads", "--gil"])
        first = [press(page) for page in pages][0]
        time.sleep(10)
        for i, page in enumerate(pages, start=1):  # a press that landed during a rerun: pressed again, as a person would
            if not jobs_of(location, f"P-t{i}") and not page.evaluate("window.__doneAt"):
                press(page)
        logins = []
        while not all(p.evaluate("window.__doneAt") for p in pages):
            logins.append(login_time(browser, apps[len(logins) % servers]))
            if time.time() - first > 900:
                raise RuntimeError("the analyses did not finish in 15 minutes")
            time.sleep(1.0)
        last = max(p.evaluate("window.__doneAt") for p in pages) / 1000
        cpu = {k: v - cpu_before[k] for k, v in cpu_seconds(apps + helpers).items()}
        if spy is not None:
            spy.send_signal(2)
            spy.wait(timeout=60)
        sampler.stop.set()
        sampler.join()
        direct, listed = sessions_in(location)
        for page in pages:
            page.context.close()
    finally:
        for each in apps + helpers[::-1]:
            each.stop()
    wall = last - first
    return {"store": store, "servers": servers, "n": n, "single": single, "wall": wall,
            "ratio": wall / (n * single), "sessions": direct - 1, "listed": listed - 1,  # less the one alone
            "login_idle": idle_login, "login_median": statistics.median(logins), "login_max": max(logins),
            "logins": len(logins), "idle_mb": idle_mb, "peak_mb": sampler.peak_mb, "idle_threads": idle_threads,
            "peak_threads": sampler.peak_threads, "load": sampler.peak_load, "cpu": cpu,
            "login_series": logins}


def table(rows: list[dict], clip: Path) -> str:
    lines = [f"N analyses pressed at once through the served app (`movement-screen app`, clinic mode), clip "
             f"`{clip.name}`, headless Chromium on loopback, this 2-core machine. Wall: first press to last result "
             "on its page. Log-in: seconds until the log-in page's password field shows, opened again and again "
             "during the analyses (idle: before). Memory: resident, the servers' whole process trees (page server, "
             "queue, Dask workers; with two servers also the shared scheduler and `movement-screen worker`), idle just after "
             "start.", "",
             "| store | app servers | N | one alone (s) | wall (s) | wall / (N x alone) | sessions (store / patient "
             "list) | log-in idle (s) | log-in median / max (s), probes | memory idle -> peak (MB) | threads idle "
             "-> peak | peak load |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['store']} | {r['servers']} | {r['n']} | {r['single']:.1f} | {r['wall']:.1f} | "
                     f"{r['ratio']:.2f} | {r['sessions']} / {r['listed']} | {r['login_idle']:.2f} | "
                     f"{r['login_median']:.2f} / {r['login_max']:.2f}, {r['logins']} | {r['idle_mb']:.0f} -> "
                     f"{r['peak_mb']:.0f} (+{r['peak_mb'] - r['idle_mb']:.0f}) | {r['idle_threads']} -> "
                     f"{r['peak_threads']} | {r['load']:.1f} |")
    return "\n".join(lines)


def write(text: str) -> None:
    results = ROOT / "bench" / "RESULTS.md"
    body = results.read_text()
    start, end = "<!-- bench-clinic:start -->", "<!-- bench-clinic:end -->"
    block = f"{start}\n{text}\n{end}"
    if start in body:
        body = body[:body.index(start)] + block + body[body.index(end) + len(end):]
    else:
        body = body.rstrip() + "\n\n## 9. The clinic server under load: analyses in the queue\n\n" \
               "`python bench/bench_clinic.py --write`\n\n" + block + "\n"
    results.write_text(body)


def main() -> int:
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM_FLAGS, chromium

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--analyses", type=int, default=8)
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--servers", default="1,2")
    parser.add_argument("--clip", type=Path, default=CLIPS / "lnewco_ohs_7026_side.mov")
    parser.add_argument("--write", action="store_true", help="put the table in bench/RESULTS.md")
    parser.add_argument("--profile", type=Path, help="py-spy's record of the (first) page server during the "
                        "analyses, in speedscope format (pip install py-spy)")
    args = parser.parse_args()
    stores = args.stores.split(",")
    pg = None
    if "postgresql" in stores:
        from postgres import Server

        pg = Server()
        if pg.why_not:
            sys.exit(f"PostgreSQL: {pg.why_not}")
    rows = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
            for store in stores:
                for servers in (int(s) for s in args.servers.split(",")):
                    row = configuration(browser, store, servers, args.analyses, args.clip, pg, args.profile)
                    rows.append(row)
                    print(table([row], args.clip).splitlines()[-1], flush=True)
                    print("  CPU s during the analyses: " + ", ".join(f"{k} {v:.0f}" for k, v in row["cpu"].items())
                          + "; log-in probes (s): " + " ".join(f"{t:.1f}" for t in row["login_series"]), flush=True)
            browser.close()
    finally:
        if pg is not None:
            pg.stop()
    text = table(rows, args.clip)
    print(text)
    if args.write:
        write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
