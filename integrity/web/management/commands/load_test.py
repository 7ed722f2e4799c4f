"""``make load``: gunicorn on PostgreSQL under many concurrent clients (integrity/web/load.py).

Migrates and loads the demo province when it is missing, collects the static files into a
private ``VAR_DIR`` (``var/load/`` by default), starts gunicorn on a free loopback port as in
production behind a TLS proxy (DEBUG off, a throwaway SECRET_KEY, ``BEHIND_TLS_PROXY=1``),
waits for /healthz, runs the mixed workload for a bounded time, stops gunicorn (SIGTERM, then
SIGKILL after a grace period), prints the table and walks the audit chain. Exits 1 on any
error, a failed check or a broken chain.
"""

from __future__ import annotations

import logging
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from integrity.web import load

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def ensure_database() -> None:
    """Create the PostgreSQL database DATABASE_URL names when it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    db = settings.DATABASES["default"]
    params = {
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
    }
    try:
        psycopg2.connect(dbname=db["NAME"], **params).close()
        return
    except psycopg2.OperationalError as error:
        if "does not exist" not in str(error):
            raise CommandError(f"PostgreSQL: {error}".strip()) from error
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
    admin.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 when unreadable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU time used during the timed window by the gunicorn workers, by the PostgreSQL
    backends serving this database (when the server runs on this machine) and by the load
    clients themselves: on a machine shared with other work the latencies include waiting for
    a CPU, these do not."""

    def __init__(self, master: int, database: str) -> None:
        self.master, self.database = master, database
        self.readings: dict[str, dict[str, float]] = {}

    def _processes(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {"gunicorn": [], "postgresql": []}
        # A backend's title: "postgres: [cluster: ]user database host(port) state".
        title = f" {settings.DATABASES['default'].get('USER') or ''} {self.database} "
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.master:
                found["gunicorn"].append(int(entry.name))
            elif cmdline.startswith("postgres: ") and title in cmdline:
                found["postgresql"].append(int(entry.name))
        return found

    def __call__(self, moment: str) -> None:
        processes = self._processes()
        self.readings[moment] = {
            **{
                f"{kind}:{pid}": cpu_seconds(pid)
                for kind, pids in processes.items()
                for pid in pids
            },
            "clients": time.process_time(),
        }

    def used(self) -> dict[str, float]:
        """CPU seconds per kind during the window (a process started within it counts from
        zero)."""
        start, end = self.readings.get("start", {}), self.readings.get("end", {})
        used: dict[str, float] = defaultdict(float)
        for name, value in end.items():
            used[name.split(":")[0]] += value - start.get(name, 0.0)
        return dict(used)


class Command(BaseCommand):
    help = (
        "Load test: gunicorn against the database DATABASE_URL names (PostgreSQL), many "
        "concurrent logged-in clients of the demo roles on loopback reading the main pages and "
        "the API and entering and editing ledger records for a bounded time; prints requests, "
        "throughput, median and 99th-percentile latency and errors per endpoint group, then "
        "verifies the audit chain. Exits 1 on errors or a broken chain."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--seconds", type=float, default=60, help="the timed run (default %(default)s)"
        )
        parser.add_argument(
            "--clients", type=int, default=50, help="concurrent clients (default %(default)s)"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=2 * (os.cpu_count() or 1) + 1,
            help="gunicorn workers (default 2 x CPUs + 1: %(default)s)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=1,
            help="threads per gunicorn worker (default %(default)s: sync workers)",
        )
        parser.add_argument(
            "--write-share",
            type=float,
            default=0.1,
            help="share of actions that write, for roles that may (default %(default)s)",
        )
        parser.add_argument("--port", type=int, help="loopback port (default: a free one)")
        parser.add_argument(
            "--var-dir",
            default=str(Path(settings.BASE_DIR) / "var" / "load"),
            help="the server's VAR_DIR: static files, media, broker folder (default %(default)s)",
        )
        parser.add_argument(
            "--allow-sqlite",
            action="store_true",
            help="run on SQLite too (writers queue on its one lock; not a measurement)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["clients"] < 1 or options["seconds"] <= 0 or options["workers"] < 1:
            raise CommandError("--clients, --seconds and --workers must be positive.")
        if connection.vendor == "postgresql":
            ensure_database()
        elif not options["allow_sqlite"]:
            raise CommandError(
                "make load measures PostgreSQL: set DATABASE_URL=postgres://… "
                "(or pass --allow-sqlite)."
            )
        self.prepare()
        var_dir = Path(options["var_dir"])
        env = self.server_env(var_dir)
        self.collectstatic(env)
        port = options["port"] or free_port()
        log_path = var_dir / "gunicorn.log"
        server = self.start(env, port, options["workers"], options["threads"], log_path)
        try:
            self.wait_healthy(server, port, log_path)
            self.describe(options, port, log_path)
            meter = CpuMeter(server.pid, settings.DATABASES["default"]["NAME"])
            outcome = load.run(
                host=HOST,
                port=port,
                seconds=options["seconds"],
                clients=options["clients"],
                write_share=options["write_share"],
                log=self.stdout.write,
                on_window=meter,
            )
        except load.LoadError as error:
            raise CommandError(f"{error} (server log: {log_path})") from error
        finally:
            self.stop(server)
        self.report(outcome, log_path, meter)

    # --- steps -----------------------------------------------------------------------------

    def prepare(self) -> None:
        from integrity.access.models import User

        call_command("migrate", interactive=False, verbosity=0)
        present = User.objects.filter(username__in=load.DEMO_ROLES).count()
        if present < len(load.DEMO_ROLES):
            from integrity.celery import app

            self.stdout.write("loading the demo province (seed_demo) …")
            # The demo's follow-up tasks (a reminder sweep, the early-warning checks) run here:
            # queued, they would wait in the broker for a worker of whatever database reads it.
            eager, app.conf.task_always_eager = app.conf.task_always_eager, True
            root = logging.getLogger()
            level = root.level
            root.setLevel(logging.WARNING)  # not every task's INFO line
            try:
                call_command("seed_demo", verbosity=0, stdout=self.stdout)
            finally:
                app.conf.task_always_eager = eager
                root.setLevel(level)
        connection.close()  # the server's workers and the check at the end open their own

    def server_env(self, var_dir: Path) -> dict[str, str]:
        """Production settings behind a TLS proxy, on the same database and Redis."""
        env = dict(os.environ)
        env.update(
            {
                "DEBUG": "0",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "BEHIND_TLS_PROXY": "1",
                "ALLOWED_HOSTS": HOST,
                "VAR_DIR": str(var_dir),
                "DJANGO_SETTINGS_MODULE": "integrity.settings",
                "PYTHONUNBUFFERED": "1",
            }
        )
        # The server uses the database this process uses, also when that is the default
        # SQLite file (which would otherwise move with VAR_DIR).
        if "DATABASE_URL" not in env:
            env["DATABASE_URL"] = f"sqlite:///{settings.DATABASES['default']['NAME']}"
        var_dir.mkdir(parents=True, exist_ok=True)
        return env

    def collectstatic(self, env: dict[str, str]) -> None:
        done = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise CommandError(f"collectstatic failed:\n{done.stderr[-2000:]}")

    def start(
        self, env: dict[str, str], port: int, workers: int, threads: int, log_path: Path
    ) -> subprocess.Popen:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "integrity.wsgi",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "120",
            "--graceful-timeout",
            "30",
            "--log-level",
            "warning",
        ]
        self.server_log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        return subprocess.Popen(  # noqa: S603 - our own interpreter and gunicorn
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches this process, which stops the server
        )

    def wait_healthy(self, server: subprocess.Popen, port: int, log_path: Path) -> None:
        deadline = time.monotonic() + 60
        url = f"http://{HOST}:{port}/healthz"
        last = ""
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError(
                    f"gunicorn exited ({server.returncode}):\n{log_path.read_text()[-3000:]}"
                )
            try:
                with urllib.request.urlopen(url, timeout=5) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, OSError) as error:
                last = repr(error)
            time.sleep(0.3)
        raise CommandError(f"/healthz did not answer 200 within 60 s ({last}); see {log_path}")

    def stop(self, server: subprocess.Popen) -> None:
        """SIGTERM: gunicorn finishes the requests in flight and exits; SIGKILL after 40 s."""
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
                self.stderr.write("gunicorn did not stop within 40 s and was killed")
        self.server_log.close()

    # --- output -----------------------------------------------------------------------------

    def describe(self, options: dict[str, Any], port: int, log_path: Path) -> None:
        version = ".".join(map(str, connection.get_database_version()))
        engine = f"{connection.display_name} {version}"
        connection.close()
        self.stdout.write(
            f"load test: {options['clients']} clients for {options['seconds']:g} s against "
            f"gunicorn ({options['workers']} workers x {options['threads']} threads) on "
            f"{HOST}:{port}; {engine} ({settings.DATABASES['default']['NAME']}); "
            f"{os.cpu_count()} CPUs, {platform.python_implementation()} "
            f"{platform.python_version()}; server log {log_path}"
        )

    def report(self, outcome: load.Outcome, log_path: Path, meter: CpuMeter) -> None:
        self.stdout.write("")
        self.stdout.write(load.table(outcome.rows()))
        self.stdout.write(
            f"timed window {outcome.seconds:.1f} s; logins are timed before it (no rate)"
        )
        used, requests = meter.used(), len(outcome.samples)
        if used and requests:
            self.stdout.write(
                "CPU during the window: "
                + ", ".join(
                    f"{kind} {seconds:.1f} s ({seconds / requests * 1000:.1f} ms per request)"
                    for kind, seconds in sorted(used.items())
                )
                + f"; load average {' '.join(f'{n:.2f}' for n in os.getloadavg())}"
            )
        left_out = {
            name: found.left_out for name, found in outcome.catalogues.items() if found.left_out
        }
        if left_out:
            self.stdout.write(
                "not open to the role (404, left out of its mix): "
                + "; ".join(f"{name} {' '.join(paths)}" for name, paths in left_out.items())
            )
        if outcome.contended is not None:
            c = outcome.contended
            self.stdout.write(
                f"contended record {c.path}: {len(c.won)} edits won, {len(c.lost)} refused as "
                f"stale (409); version {c.start_version} → {c.start_version + len(c.won)} "
                "expected"
            )
        server_log = log_path.read_text(errors="replace")
        tracebacks = server_log.count("Traceback (most recent call last)")
        timeouts = server_log.count("WORKER TIMEOUT")
        self.stdout.write(
            f"server log: {tracebacks} tracebacks, {timeouts} worker timeouts ({log_path})"
        )
        self.stdout.write(
            "axes lockout: not tripped (every login is correct; only failures count). API token "
            "throttle: not reached (the clients use session authentication; the throttle "
            "applies to POST /api/v1/auth/token/ only)."
        )
        try:
            call_command("verify_audit", stdout=self.stdout)
            chain_ok = True
        except CommandError as broken:
            self.stdout.write(f"verify_audit: {broken}")
            chain_ok = False
        connection.close()
        errors = outcome.errors
        for sample in errors[:20]:
            self.stdout.write(f"  error: {sample.group}: {sample.error}")
        if len(errors) > 20:
            self.stdout.write(f"  … and {len(errors) - 20} more errors")
        for problem in outcome.problems:
            self.stdout.write(f"  check failed: {problem}")
        if errors or outcome.problems or tracebacks or not chain_ok:
            raise CommandError(
                f"load test failed: {len(errors)} errors, {len(outcome.problems)} failed "
                f"checks, {tracebacks} server tracebacks, audit chain "
                f"{'intact' if chain_ok else 'broken'}"
            )
        self.stdout.write(self.style.SUCCESS("load test passed"))
