"""`make bench`: load benchmark of the whole product against a stock Rasa 3.6 assistant.

First times a full `rasa train --force` of the product (issue 9: ≤ 120 s). Then starts the product as
`make run` does (`python -m bot run`, fresh KB and tracker store in a temporary folder) and drives what
citizens type — the independent dev question sets' conversations and questions (long stories, two
questions at once, dialect, typos, follow-ups), never the training data — through the gateway at 1, 20
and 50 concurrent users; then ONE conversation of 300 turns (are the last 50 turns slower than the first
50?). Then builds Rasa's own starter assistant (`rasa init` defaults) in a temporary folder and drives
the same shape of load through its REST channel. Prints p50/p95/p99, throughput, errors and the peak
memory of every process, the ratio to the stock assistant, a 10,000-message soak at 50 users, and checks
the targets of issue 10. Results are also written to results/bench-<profile>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psutil

from bench.load import (
    STOCK_CONVERSATIONS,
    LevelResult,
    citizen_mix,
    gateway_client,
    rasa_rest_client,
    run_level,
    run_long_conversation,
    window,
)
from harness.services import free_port, free_port_block, wait_for_http
from kb.settings import PROJECT_ROOT

PYTHON = sys.executable
LEVELS = {1: 300, 20: 2000, 50: 3000}  # concurrent users → messages measured
WARM_UP = 60
SOAK = 10_000
LONG_TURNS = 300
EDGE = 50  # turns compared at the start and the end of the long conversation
MAX_INSTANCES = 8  # consecutive ports reserved for each kind of server a profile may start


class MemorySampler:
    """Samples the resident memory of a process tree; keeps per-process peaks and a time series."""

    def __init__(self, root: int, interval: float = 0.5) -> None:
        self.root = psutil.Process(root)
        self.interval = interval
        self.peaks: dict[str, int] = {}
        self.peak_total = 0
        self.series: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def reset_series(self) -> None:
        self.series = []

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for process in [self.root, *self.root.children(recursive=True)]:
                try:
                    rss = process.memory_info().rss
                    name = _label(process)
                except psutil.Error:
                    continue
                total += rss
                self.peaks[name] = max(self.peaks.get(name, 0), rss)
            self.peak_total = max(self.peak_total, total)
            self.series.append((time.monotonic(), total))
            self._stop.wait(self.interval)


def _label(process: psutil.Process) -> str:
    command = " ".join(process.cmdline())
    for needle, label in (("bot.action_server", "action server"), ("rasa run", "rasa"), ("-m bot run", "gateway")):
        if needle in command:
            port = command.rsplit("--port", 1)[-1].split()[0] if "--port" in command else ""
            return f"{label} {port}".strip()
    return process.name()


def product_env(data_dir: Path, profile: dict[str, str]) -> tuple[dict[str, str], int]:
    """The product's environment: the profile's settings, fresh ports, limits lifted for one client."""
    gateway_port = free_port()
    env = {
        **os.environ,
        "SZ_DATA_DIR": str(data_dir),
        "SZ_DATABASE_URL": "",
        "SZ_PORT": str(gateway_port),
        "SZ_RASA_PORT": str(free_port_block(MAX_INSTANCES)),
        "SZ_ACTION_PORT": str(free_port_block(MAX_INSTANCES)),
        # one client address speaks for every simulated citizen here; per-address limits would throttle it
        "SZ_RATE_LIMIT": "1000000/minute",
        "SZ_RATE_LIMIT_IP": "100000000/minute",
        "SZ_CHAT_TIMEOUT": "30",
        "SZ_LOG_LEVEL": "WARNING",
        **profile,
    }
    return env, gateway_port


def start_product(data_dir: Path, profile: dict[str, str]) -> tuple[subprocess.Popen, str]:
    env, port = product_env(data_dir, profile)
    subprocess.run([PYTHON, "-m", "kb", "init"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    log = (data_dir / "product.log").open("w")
    process = subprocess.Popen(
        [PYTHON, "-m", "bot", "run"], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    wait_for_http(f"{url}/healthz", process)
    return process, url


def rasa_env() -> dict[str, str]:
    """The environment every Rasa command here runs with: no telemetry, quiet TensorFlow."""
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}


def build_stock(folder: Path) -> None:
    """Rasa's starter assistant with every default (`rasa init` trains it)."""
    env = rasa_env()
    subprocess.run(
        [PYTHON, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(folder)],
        cwd=folder, env=env, check=True, capture_output=True,
    )  # fmt: skip


def start_stock(folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = rasa_env()
    log = (folder / "stock.log").open("w")
    process = subprocess.Popen(
        [PYTHON, "-m", "rasa", "run", "--interface", "127.0.0.1", "--port", str(port), "--quiet"],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    wait_for_http(f"{url}/webhooks/rest/", process)
    return process, url


def stop(process: subprocess.Popen) -> None:
    process.send_signal(2)  # SIGINT, as Ctrl-C
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()


def measure(send: Any, conversations: Any, levels: dict[int, int]) -> dict[int, LevelResult]:
    asyncio.run(run_level(send, conversations, users=5, messages=WARM_UP))
    return {users: asyncio.run(run_level(send, conversations, users, messages)) for users, messages in levels.items()}


def soak(send: Any, sampler: MemorySampler, messages: int, conversations: Any) -> dict[str, Any]:
    sampler.reset_series()
    result = asyncio.run(run_level(send, conversations, 50, messages))
    series = [rss for _t, rss in sampler.series]
    quarter = max(1, len(series) // 4)
    early = sum(series[quarter : 2 * quarter]) / quarter  # after warm-up effects
    late = sum(series[-quarter:]) / quarter
    return {
        **result.summary(),
        "rss_second_quarter_mb": round(early / 2**20),
        "rss_last_quarter_mb": round(late / 2**20),
        "growth_percent": round((late - early) / early * 100, 1) if early else None,
        "error_samples": result.error_samples,
    }


def table(title: str, results: dict[int, LevelResult]) -> str:
    lines = [title, f"{'users':>6} {'msgs':>6} {'err':>4} {'msg/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"]
    for users, r in results.items():
        s = r.summary()
        lines.append(
            f"{users:>6} {s['messages']:>6} {s['errors']:>4} {s['throughput_per_s']:>7} "
            f"{s['p50_ms']:>7} {s['p95_ms']:>7} {s['p99_ms']:>7}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--skip-stock", action="store_true", help="measure the product only")
    parser.add_argument("--soak", type=int, default=SOAK, help="messages in the soak at 50 users (0 to skip)")
    parser.add_argument("--quick", action="store_true", help="a tenth of the messages (a smoke run)")
    parser.add_argument("--skip-train", action="store_true", help="do not time a full training first")
    parser.add_argument("--train-only", action="store_true", help="only time a full training")
    parser.add_argument(
        "--profile",
        choices=["embedded", "production"],
        default="embedded",
        help="embedded: the `make run` default (SQLite, one Rasa server); production: private PostgreSQL and "
        "Redis servers, two Rasa and two action servers",
    )
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        if args.profile == "production":
            os.environ.update(production_profile(stack))
        return run(args)


def production_profile(stack: contextlib.ExitStack) -> dict[str, str]:
    """Settings for the production profile, on PostgreSQL and Redis servers started for the run."""
    from harness.services import postgres_server, redis_server

    postgres = stack.enter_context(postgres_server())
    redis = stack.enter_context(redis_server())
    postgres.sql("CREATE DATABASE bench_kb")
    postgres.sql("CREATE DATABASE bench_tracker")
    return {
        "SZ_DATABASE_URL": postgres.url("bench_kb"),
        "SZ_TRACKER_URL": postgres.url("bench_tracker", driver="postgresql"),
        "SZ_LOCK_STORE": "redis",
        "SZ_REDIS_PORT": str(redis.port),
        "SZ_REDIS_DB": "0",
        "SZ_RASA_INSTANCES": "2",
        "SZ_ACTION_INSTANCES": "2",
    }


def time_training() -> dict[str, Any]:
    """A full `rasa train --force` of the product (no cache reuse), into a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="sz-train-") as out:
        started = time.perf_counter()
        subprocess.run(
            [PYTHON, "-m", "rasa", "train", "--force", "--out", out, "--fixed-model-name", "timed"],
            cwd=PROJECT_ROOT, check=True, capture_output=True,
            env=rasa_env(),
        )  # fmt: skip
        return {"command": "rasa train --force", "seconds": round(time.perf_counter() - started, 1)}


def long_conversation(url: str, conversations: Any) -> dict[str, Any]:
    texts = [text for script in conversations for text in script]
    result = asyncio.run(run_long_conversation(gateway_client(url), texts, LONG_TURNS))
    first, last = window(result, 0, EDGE), window(result, LONG_TURNS - EDGE, LONG_TURNS)
    return {"turns": LONG_TURNS, "errors": result.errors, "first": first, "last": last,
            "p95_ratio_last_to_first": round(last["p95_ms"] / first["p95_ms"], 2)}  # fmt: skip


def run(args: argparse.Namespace) -> int:
    if args.train_only:
        print(json.dumps(time_training(), ensure_ascii=False))
        return 0
    levels = {u: max(50, m // 10) for u, m in LEVELS.items()} if args.quick else LEVELS
    soak_messages = args.soak // 10 if args.quick else args.soak
    profile = {k: v for k, v in os.environ.items() if k.startswith("SZ_") and k not in ("SZ_DATA_DIR",)}
    report: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "machine": {"cpus": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
                    "python": platform.python_version(), "platform": platform.platform()},
        "profile": args.profile,
        "settings": {k: v for k, v in profile.items() if "PASSWORD" not in k},
    }  # fmt: skip

    if not args.skip_train:
        print("timing a full training (rasa train --force) …", flush=True)
        report["training"] = time_training()
        print(f"full training: {report['training']['seconds']} s", flush=True)
    conversations = citizen_mix()
    report["mix"] = {"conversations": len(conversations), "messages": sum(len(c) for c in conversations)}

    with tempfile.TemporaryDirectory(prefix="sz-bench-") as tmp:
        data_dir = Path(tmp) / "product"
        data_dir.mkdir()
        print("starting the product (python -m bot run) …", flush=True)
        process, url = start_product(data_dir, profile)
        try:
            with MemorySampler(process.pid) as sampler:
                ours = measure(gateway_client(url), conversations, levels)
                print(table("\nthe product, through the gateway:", ours), flush=True)
                report["product"] = {str(u): r.summary() for u, r in ours.items()}
                print(f"\none conversation of {LONG_TURNS} turns …", flush=True)
                report["long_conversation"] = long_conversation(url, conversations)
                print(json.dumps(report["long_conversation"], ensure_ascii=False))
                if soak_messages:
                    print(f"\nsoak: {soak_messages} messages at 50 users …", flush=True)
                    report["soak"] = soak(gateway_client(url), sampler, soak_messages, conversations)
                    print(json.dumps(report["soak"], ensure_ascii=False, indent=2))
                report["memory_peak_mb"] = {k: round(v / 2**20) for k, v in sorted(sampler.peaks.items())}
                report["memory_peak_total_mb"] = round(sampler.peak_total / 2**20)
        finally:
            stop(process)
        print(f"\npeak memory (MB): {report['memory_peak_mb']}  all together: {report['memory_peak_total_mb']}")

        if not args.skip_stock:
            stock_dir = Path(tmp) / "stock"
            stock_dir.mkdir()
            print("\nbuilding the stock assistant (rasa init) …", flush=True)
            build_stock(stock_dir)
            stock_process, stock_url = start_stock(stock_dir)
            try:
                with MemorySampler(stock_process.pid) as stock_sampler:
                    stock = measure(rasa_rest_client(stock_url), STOCK_CONVERSATIONS, levels)
                print(table("\nstock Rasa 3.6 (rasa init), REST channel:", stock), flush=True)
                report["stock"] = {str(u): r.summary() for u, r in stock.items()}
                report["stock_memory_peak_mb"] = round(stock_sampler.peak_total / 2**20)
                report["throughput_ratio"] = {
                    str(u): round(ours[u].throughput / stock[u].throughput, 2) for u in levels if stock[u].throughput
                }
                print(f"\nthroughput ratio product / stock: {report['throughput_ratio']}")
            finally:
                stop(stock_process)
                shutil.rmtree(stock_dir, ignore_errors=True)

    report["targets"] = check_targets(report)
    for name, (ok, detail) in report["targets"].items():
        print(f"{'PASS' if ok else 'MISS'}  {name}: {detail}")
    out = PROJECT_ROOT / "results" / f"bench-{args.profile}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nwritten to {out.relative_to(PROJECT_ROOT)}")
    return 0


def check_targets(report: dict[str, Any]) -> dict[str, tuple[bool, str]]:
    """Issue 10's targets (and issue 9's training time)."""
    product = report["product"]
    targets: dict[str, tuple[bool, str]] = {}
    if "training" in report:
        seconds = report["training"]["seconds"]
        targets["full training ≤ 120 s"] = (seconds <= 120, f"{seconds} s")
    if "long_conversation" in report:
        long = report["long_conversation"]
        ratio = long["p95_ratio_last_to_first"]
        targets["long conversation: p95 of turns 251–300 ≤ 1.3 × turns 1–50"] = (
            ratio <= 1.3,
            f"{long['last']['p95_ms']} / {long['first']['p95_ms']} ms = {ratio}×",
        )
    if "1" in product:
        targets["one user: p50 ≤ 25 ms"] = (product["1"]["p50_ms"] <= 25, f"{product['1']['p50_ms']} ms")
    if "20" in report.get("throughput_ratio", {}):
        ratio = report["throughput_ratio"]["20"]
        targets["20 users: throughput ≥ 2× stock"] = (ratio >= 2, f"{ratio}×")
    if "20" in product:
        targets["20 users: p95 ≤ 400 ms"] = (product["20"]["p95_ms"] <= 400, f"{product['20']['p95_ms']} ms")
    if "50" in product:
        targets["50 users: 0 errors"] = (product["50"]["errors"] == 0, f"{product['50']['errors']} errors")
    total = report["memory_peak_total_mb"]
    targets["whole stack peak RSS ≤ 2.0 GB"] = (total <= 2048, f"{total} MB")
    if "soak" in report:
        soak_result = report["soak"]
        targets["soak: zero errors"] = (soak_result["errors"] == 0, f"{soak_result['errors']} errors")
        growth = soak_result["growth_percent"]
        targets["soak: no steady memory growth (< 5 %)"] = (growth is not None and growth < 5, f"{growth} %")
    return targets


if __name__ == "__main__":
    sys.exit(main())
