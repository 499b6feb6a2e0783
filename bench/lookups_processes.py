"""Citizens' lookups by code through 1, 2 and 4 `motcua run` processes on one PostgreSQL store.

    .venv/bin/python bench/lookups_processes.py [--url postgresql://motcua:motcua@127.0.0.1:5432/bench_push]
        [--processes 1 2 4] [--messages 3000] [--dossiers 20000] [--rounds 3] [--concurrency 64]

Creates (if needed) and fills the database with one unit, its catalogue and `--dossiers`
generated dossiers (plain INSERTs: the bench needs rows, not the importer), starts the fake
Telegram Bot API (tests/fakes/fake_telegram.py) in this process, then in every round, for each
process count k: starts k real `python -m bot.cli.main run` processes in webhook mode, each on a
port of its own (as behind nginx), and POSTs the same `--messages` lookups (`/tracuu CODE 1234`,
distinct users and update ids) round-robin to them, `--concurrency` requests at once. The rate is
replies recorded by the fake server / seconds from the first POST to the last reply. The peer,
measured in the same round: the fake server's own round trip (the same number of sendMessage
calls POSTed straight to it by the same client, same concurrency) — the ceiling of the loop
without any bot. Also prints the CPU time per reply of the bot processes, of their PostgreSQL
backends and of this process (the client and the fake server), from /proc: whether the store is
the bottleneck. Prints min/median/max per k and the ratio of 2 processes to 1 (goal ≥ 1.3).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import asyncpg  # noqa: E402

from storage.engine import open_store  # noqa: E402
from tests.fakes.fake_telegram import FakeTelegram  # noqa: E402

UNIT = "Trung tâm Phục vụ hành chính công xã Kẻ Sắt"
SECRET = "bench-secret-0123456789"
PROCS = [("1.001612", "Đăng ký khai sinh", "toan_trinh", 3),
         ("1.004227", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu", "mot_phan", 30),
         ("2.000908", "Chứng thực bản sao từ bản chính", "khong", 1)]


async def ensure_database(url: str) -> None:
    """CREATE DATABASE for url's database unless it exists (through the `postgres` database)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    conn = await asyncpg.connect(admin)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def seed(url: str, n: int, rng: random.Random) -> list[tuple[str, str]]:
    """Empty the store and fill it: the unit, its catalogue, n dossiers; (code, last 4) pairs."""
    db = await open_store(url)
    try:
        async with db.transaction() as conn:
            tables = [r[0] for r in await conn.execute_fetchall(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename <> 'schema_version'")]
            await conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            stamp = "2026-01-01T00:00:00"
            rows = await conn.execute_fetchall(
                "INSERT INTO units (name, created_at) VALUES (?, ?) RETURNING id", (UNIT, stamp))
            unit = int(rows[0][0])
            await conn.executemany(
                "INSERT INTO procedures (unit_id, code, name, name_search, level, days,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(unit, c, name, name.lower(), lv, d, stamp) for c, name, lv, d in PROCS])
            year = date.today().year - 1
            codes, batch = [], []
            for i in range(n):
                rec = date(year, 1, 1) + timedelta(days=i % 360)  # (day, number) is unique
                due = rec + timedelta(days=rng.randrange(1, 30))
                code = f"000.00.12.H31-{rec:%y%m%d}-{i // 360 + 1:04d}"
                last4 = f"{rng.randrange(10**4):04d}"
                proc = rng.choice(PROCS)
                done = rng.random() < 0.7
                batch.append((
                    unit, code, proc[0], proc[1], f"Nguyễn Văn {i}", last4,
                    f"{i % 10000:04d}", "truc_tuyen", f"{rec}T08:00:00", f"{due}T17:00:00",
                    f"{due}T10:00:00" if done else None, "result" if done else "processing",
                    f"{due if done else rec}T10:00:00", f"CB{i % 12 + 1:02d}", f"h{i}", stamp))
                codes.append((code, last4))
            await conn.executemany(
                "INSERT INTO dossiers (unit_id, code, procedure_code, procedure_name, applicant,"
                " phone_last4, id_last4, channel, received_at, due_at, finished_at, status,"
                " status_at, officer, row_hash, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
    finally:
        await db.close()
    return codes


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc; 0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def store_backends(url: str) -> list[int]:
    """The pids of the bots' PostgreSQL backends (application_name motcua-bot)."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE application_name = 'motcua-bot'")
    finally:
        await conn.close()
    return [int(r[0]) for r in rows]


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def listening(port: int, proc: asyncio.subprocess.Process, timeout: float = 60) -> None:
    """Wait until something accepts connections on port (the bot's webhook server)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.returncode is not None:
            raise RuntimeError("a bot process exited at start")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError(f"no webhook server on port {port}")


async def start_bots(k: int, env: dict[str, str], folder: Path) -> list[tuple[
        asyncio.subprocess.Process, str]]:
    """k bot processes in webhook mode, each on its own port; (process, webhook URL)."""
    bots = []
    for i in range(k):
        port = free_port()
        url = f"http://127.0.0.1:{port}/hook"
        log = (folder / f"bot-{k}-{i}.log").open("ab")
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli.main", "run", cwd=folder,
            stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
            env={**env, "MOTCUA_TELEGRAM_WEBHOOK_URL": url,
                 "MOTCUA_TELEGRAM_WEBHOOK_PORT": str(port)},
        )
        log.close()
        bots.append((proc, url, port))
    for proc, _, port in bots:
        await listening(port, proc)
    return [(proc, url) for proc, url, _ in bots]


async def stop_bots(bots: list[tuple[asyncio.subprocess.Process, str]]) -> None:
    """SIGTERM every bot and wait."""
    for proc, _ in bots:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
    for proc, _ in bots:
        try:
            await asyncio.wait_for(proc.wait(), 30)
        except TimeoutError:
            proc.kill()
            await proc.wait()


async def post_all(client: aiohttp.ClientSession, jobs: list[tuple[str, dict]], concurrency: int,
                   headers: dict[str, str]) -> None:
    """POST every (url, body), `concurrency` at once; a 503 (the bot has 500 updates waiting)
    is retried after 0.5 s, as Telegram retries later (a tight retry would only take the
    bots' CPU)."""
    queue = list(reversed(jobs))

    async def one() -> None:
        """Take jobs until none is left."""
        while queue:
            url, body = queue.pop()
            while True:
                async with client.post(url, json=body, headers=headers) as res:
                    await res.read()
                    if res.status == 200:
                        break
                await asyncio.sleep(0.5)

    await asyncio.gather(*(one() for _ in range(concurrency)))


async def run_bots(fake: FakeTelegram, client: aiohttp.ClientSession, bots: list, texts: list,
                   concurrency: int) -> float:
    """Replies per second of the bots for texts (user, text), POSTed round-robin."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    jobs = [(bots[i % len(bots)][1], fake.text_update(user, text))
            for i, (user, text) in enumerate(texts)]
    base = len(fake.sent)
    started = time.perf_counter()
    await post_all(client, jobs, concurrency, headers)
    await fake.wait_for_sent(base + len(texts), timeout=600)
    return len(texts) / (time.perf_counter() - started)


async def run_echo(fake: FakeTelegram, client: aiohttp.ClientSession, texts: list,
                   concurrency: int) -> float:
    """The fake server's own round trip: sendMessage calls straight to it, per second."""
    url = f"{fake.api_url}{fake.token}/sendMessage"
    jobs = [(url, {"chat_id": user, "text": text}) for user, text in texts]
    base = len(fake.sent)
    started = time.perf_counter()
    await post_all(client, jobs, concurrency, {})
    await fake.wait_for_sent(base + len(texts), timeout=600)
    return len(texts) / (time.perf_counter() - started)


async def main() -> None:
    """Seed, then measure every process count and the peer in each round; print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="postgresql://motcua:motcua@127.0.0.1:5432/bench_push")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--dossiers", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--seed", type=int, default=7)
    opts = parser.parse_args()
    rng = random.Random(opts.seed)
    await ensure_database(opts.url)
    codes = await seed(opts.url, opts.dossiers, rng)
    print(f"seeded {len(codes)} dossiers into {urlsplit(opts.url).path.lstrip('/')}", flush=True)

    def texts(n: int, first_user: int) -> list[tuple[int, str]]:
        """n lookups by code with the 4 digits, each from a user of its own."""
        return [(first_user + i, "/tracuu {} {}".format(*rng.choice(codes))) for i in range(n)]

    folder = Path(tempfile.mkdtemp(prefix="motcua-bench-lookups-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    env["PYTHONPATH"] = str(ROOT)
    rates: dict[str, list[float]] = {f"{k}": [] for k in opts.processes}
    rates["echo"] = []
    cpu: dict[str, list[tuple[float, ...]]] = {f"{k}": [] for k in opts.processes}
    user = 1_000_000
    async with FakeTelegram() as fake, aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=opts.concurrency)
    ) as client:
        env.update({
            **fake.env(), "MOTCUA_DATABASE_URL": opts.url, "MOTCUA_UNIT": UNIT,
            "MOTCUA_TELEGRAM_WEBHOOK_SECRET": SECRET, "MOTCUA_TELEGRAM_RATE_GLOBAL": "100000",
            "MOTCUA_LOOKUP_PER_MINUTE": "100000", "MOTCUA_LOOKUP_PER_DAY": "1000000",
            "MOTCUA_LOG_LEVEL": "INFO",
        })
        sample = None
        for round_no in range(1, opts.rounds + 1):
            for k in opts.processes:
                bots = await start_bots(k, env, folder)
                try:
                    await run_bots(fake, client, bots, texts(200, user), opts.concurrency)
                    user += 200
                    if sample is None:
                        sample = fake.sent[-1].text
                    pids = [proc.pid for proc, _ in bots]
                    backends = await store_backends(opts.url)
                    cpu0 = ([cpu_seconds(p) for p in pids], [cpu_seconds(p) for p in backends],
                            time.process_time())
                    rate = await run_bots(fake, client, bots, texts(opts.messages, user),
                                          opts.concurrency)
                    bot_ms = 1000 * sum(cpu_seconds(p) - c for p, c in zip(pids, cpu0[0],
                                                                           strict=True))
                    pg_ms = 1000 * sum(cpu_seconds(p) - c for p, c in zip(backends, cpu0[1],
                                                                          strict=True))
                    here_ms = 1000 * (time.process_time() - cpu0[2])
                    cpu[f"{k}"].append(tuple(v / opts.messages for v in (bot_ms, pg_ms,
                                                                           here_ms)))
                    user += opts.messages
                finally:
                    await stop_bots(bots)
                rates[f"{k}"].append(rate)
                print(f"round {round_no}: {k} process(es) {rate:8.1f} replies/s", flush=True)
            rate = await run_echo(fake, client, texts(opts.messages, user), opts.concurrency)
            user += opts.messages
            rates["echo"].append(rate)
            print(f"round {round_no}: fake server round trip {rate:8.1f} calls/s", flush=True)
    print(f"\na reply, e.g.: {sample!r}")
    print(f"{opts.messages} lookups per run, {opts.concurrency} POSTs at once, "
          f"{opts.dossiers} dossiers, {opts.rounds} rounds; {os.cpu_count()} cores")
    print("| contender | min | median | max |")
    print("|---|---:|---:|---:|")
    for name, values in rates.items():
        label = "fake server round trip (peer)" if name == "echo" else f"{name} × `motcua run`"
        print(f"| {label} | {min(values):.0f} | {statistics.median(values):.0f} | "
              f"{max(values):.0f} |")
    print("\nCPU per reply (median ms): the bot processes | their PostgreSQL backends |"
          " this process (client + fake server)")
    for k, values in cpu.items():
        cols = [statistics.median(v[i] for v in values) for i in range(3)]
        print(f"  {k} × `motcua run`: {cols[0]:.2f} | {cols[1]:.2f} | {cols[2]:.2f}")
    if "1" in rates and "2" in rates:
        ratio = statistics.median(rates["2"]) / statistics.median(rates["1"])
        print(f"\nratio 2 processes / 1 (medians): {ratio:.2f} (goal ≥ 1.3)")
    if "1" in rates and "4" in rates:
        print(f"ratio 4 processes / 1 (medians): "
              f"{statistics.median(rates['4']) / statistics.median(rates['1']):.2f}")
    one = statistics.median(rates[str(opts.processes[0])])
    print(f"ratio {opts.processes[0]} process(es) / peer (medians): "
          f"{one / statistics.median(rates['echo']):.2f}")


if __name__ == "__main__":
    asyncio.run(main())
