"""The deployment files of deploy/ and docs/deploy.md (issue 16): the systemd units load, the
compose file has its services, nginx accepts both sites and carries webhooks to a live instance,
the env examples are settings and hold no secret, the backup script's dump restores into an
empty database that `motcua check` accepts, and every `motcua` command docs/deploy.md shows
exists in the CLI's help."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from bot.config import Settings
from tests.fakes.fake_telegram import FakeTelegram
from tests.telegram_helpers import BotProcess, free_port

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
DEPLOY_DOC = ROOT / "docs" / "deploy.md"
BOT_UNIT = DEPLOY / "motcua-bot@.service"
BACKUP_SCRIPT = DEPLOY / "motcua-pg-backup.sh"
UNITS = (BOT_UNIT, DEPLOY / "motcua-pg-backup.service", DEPLOY / "motcua-pg-backup.timer")
HOST_SITE = DEPLOY / "nginx" / "motcua-bot.conf"
COMPOSE_SITE = DEPLOY / "nginx" / "compose.conf"
COMPOSE = DEPLOY / "compose.yaml"
ENV_DIR = DEPLOY / "env"


# --- systemd -----------------------------------------------------------------------------------


def read_unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    """A unit file's sections as (key, value) lists: repeated keys (EnvironmentFile,
    SystemCallFilter) are kept in order, which configparser would collapse."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = pending + raw.strip()
        pending = ""
        if not line or line.startswith(("#", ";")):
            continue
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        assert current is not None, f"{path.name}: a line before any section: {line}"
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}: not a key=value line: {line}"
        current.append((key.strip(), value.strip()))
    return sections


def values(unit: dict[str, list[tuple[str, str]]], section: str, key: str) -> list[str]:
    """Every value of key in section, in file order."""
    return [v for k, v in unit.get(section, []) if k == key]


def test_bot_unit_has_what_docs_deploy_promises() -> None:
    """The template unit: one env file per instance after the common one, `motcua run`,
    Restart=on-failure, an unprivileged user and the hardening options."""
    unit = read_unit(BOT_UNIT)
    assert set(unit) == {"Unit", "Service", "Install"}
    assert values(unit, "Service", "ExecStart") == ["/opt/motcua/bin/motcua run"]
    assert values(unit, "Service", "EnvironmentFile") == [
        "/etc/motcua/common.env", "/etc/motcua/%i.env"]
    assert values(unit, "Service", "Restart") == ["on-failure"]
    assert values(unit, "Service", "User") == ["motcua"]
    assert "%i" in values(unit, "Unit", "Description")[0]
    for key, value in (("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"),
                       ("ProtectHome", "yes"), ("PrivateTmp", "yes"), ("PrivateDevices", "yes"),
                       ("CapabilityBoundingSet", ""), ("RestrictNamespaces", "yes"),
                       ("SystemCallArchitectures", "native")):
        assert values(unit, "Service", key) == [value], key
    assert "postgresql.service" in values(unit, "Unit", "After")[0].split()
    assert values(unit, "Install", "WantedBy") == ["multi-user.target"]


def test_backup_units_run_the_script_nightly() -> None:
    """The backup service runs the script as a oneshot; its timer fires nightly, persistently."""
    service = read_unit(DEPLOY / "motcua-pg-backup.service")
    timer = read_unit(DEPLOY / "motcua-pg-backup.timer")
    assert values(service, "Service", "Type") == ["oneshot"]
    assert values(service, "Service", "ExecStart") == ["/usr/local/bin/motcua-pg-backup"]
    assert values(timer, "Timer", "Persistent") == ["true"]
    assert values(timer, "Timer", "OnCalendar")[0].startswith("*-*-* ")
    assert values(timer, "Install", "WantedBy") == ["timers.target"]


def _motcua_executable() -> str:
    """The `motcua` console script of the running interpreter's environment."""
    found = Path(sys.executable).with_name("motcua")
    if found.exists():
        return str(found)
    which = shutil.which("motcua")
    if which is None:
        pytest.fail("no motcua console script: install the project (pip install -e .)")
    return which


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_systemd_analyze_verify(unit: Path, tmp_path: Path) -> None:
    """`systemd-analyze verify` loads the unit without a warning (the programs it starts
    pointed at real files here: the installed motcua, the backup script)."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed: only the unit's keys were checked")
    text = unit.read_text(encoding="utf-8")
    text = text.replace("/opt/motcua/bin/motcua", _motcua_executable())
    text = text.replace("/usr/local/bin/motcua-pg-backup", str(BACKUP_SCRIPT))
    name = unit.name.replace("@.", "@a.")  # a template is verified as one of its instances
    for other in UNITS:  # the timer needs its service beside it
        (tmp_path / other.name.replace("@.", "@a.")).write_text(
            other.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / name).write_text(text, encoding="utf-8")
    if name.endswith(".timer"):
        service = tmp_path / name.replace(".timer", ".service")
        service.write_text(service.read_text(encoding="utf-8").replace(
            "/usr/local/bin/motcua-pg-backup", str(BACKUP_SCRIPT)), encoding="utf-8")
    done = subprocess.run([analyze, "verify", str(tmp_path / name)], capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    complaints = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 0 and not complaints, done.stderr


# --- compose -----------------------------------------------------------------------------------


def _scalar(text: str) -> Any:
    """A YAML scalar of the subset compose.yaml is written in: quoted or plain text, an integer,
    a JSON-style flow list, or nothing (null)."""
    text = text.strip()
    if not text:
        return None
    if text.startswith("["):
        return json.loads(text)
    if text[0] in "\"'" and text[-1] == text[0]:
        return text[1:-1]
    if re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    return text


def _strip_comment(line: str) -> str:
    """The line without a trailing `# comment` (a # inside quotes is kept)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] == " "):
            return line[:i].rstrip()
    return line.rstrip()


def parse_yaml_subset(text: str) -> Any:
    """Parse the YAML subset deploy/compose.yaml keeps to (block mappings, block lists of
    scalars, JSON-style flow lists; no anchors), for machines without PyYAML."""
    lines = [(len(s) - len(s.lstrip(" ")), s.strip())
             for s in (_strip_comment(raw) for raw in text.splitlines()) if s.strip()]

    def block(i: int, indent: int) -> tuple[Any, int]:
        """The node starting at lines[i], indented by indent; returns it and the next index."""
        if lines[i][1].startswith("- "):
            items: list[Any] = []
            while i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("- "):
                items.append(_scalar(lines[i][1][2:]))
                i += 1
            return items, i
        mapping: dict[str, Any] = {}
        while i < len(lines) and lines[i][0] == indent:
            key, sep, rest = lines[i][1].partition(":")
            assert sep and (not rest or rest.startswith(" ")), f"not a mapping line: {lines[i]}"
            assert key not in mapping, f"key given twice: {key}"
            i += 1
            if rest.strip():
                mapping[key] = _scalar(rest)
            elif i < len(lines) and lines[i][0] > indent:
                mapping[key], i = block(i, lines[i][0])
            elif i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("- "):
                mapping[key], i = block(i, indent)  # a list at the key's own indentation
            else:
                mapping[key] = None
        return mapping, i

    node, end = block(0, lines[0][0])
    assert end == len(lines), f"unparsed from line {end}: {lines[end]}"
    return node


def load_compose() -> dict[str, Any]:
    """deploy/compose.yaml, read by PyYAML when it is installed, else by parse_yaml_subset."""
    text = COMPOSE.read_text(encoding="utf-8")
    try:
        import yaml  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        return dict(parse_yaml_subset(text))
    return dict(yaml.safe_load(text))


def test_compose_has_postgres_two_bots_and_nginx() -> None:
    """PostgreSQL 15, two bots on it (started once it is healthy), nginx; every service with a
    healthcheck; the bots' settings from bot.env and the database password from .env."""
    compose = load_compose()
    services = compose["services"]
    assert set(services) == {"postgres", "bot-a", "bot-b", "nginx"}
    assert services["postgres"]["image"] == "postgres:15"
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith(
        "${POSTGRES_PASSWORD:?")
    for name, service in services.items():
        assert service["healthcheck"]["test"][0] in ("CMD", "CMD-SHELL"), name
        assert service["restart"] == "unless-stopped", name
    for name in ("bot-a", "bot-b"):
        bot = services[name]
        assert bot["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
        assert (COMPOSE.parent / bot["build"]["context"] / bot["build"]["dockerfile"]).is_file()
        assert bot["env_file"] == ["bot.env"]
        assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert bot["healthcheck"]["test"] == ["CMD", "motcua", "check"]
        url = urlsplit(bot["environment"]["MOTCUA_DATABASE_URL"])
        assert (url.scheme, url.hostname, url.password) == (
            "postgresql", "postgres", "${POSTGRES_PASSWORD}")
        assert bot["environment"]["MOTCUA_TELEGRAM_WEBHOOK_LISTEN"] == "0.0.0.0"
    nginx = services["nginx"]
    mounted = nginx["volumes"][0].split(":")
    assert (COMPOSE.parent / mounted[0]).resolve() == COMPOSE_SITE
    assert set(compose["volumes"]) == {"pgdata", "bot-a-data", "bot-b-data"}
    ignored = (DEPLOY / ".gitignore").read_text(encoding="utf-8").split()
    assert "bot.env" in ignored and "tls/" in ignored


def test_yaml_subset_reads_compose_as_pyyaml_does() -> None:
    """The fallback parser gives what PyYAML gives (where PyYAML is installed)."""
    try:
        import yaml  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        pytest.skip("PyYAML is not installed: the compose file was read by the subset parser")
    text = COMPOSE.read_text(encoding="utf-8")
    assert parse_yaml_subset(text) == yaml.safe_load(text)


def test_yaml_subset_refuses_what_it_does_not_read() -> None:
    """A line the subset parser cannot place fails loudly instead of being dropped."""
    with pytest.raises(AssertionError):
        parse_yaml_subset("services:\n  a:\n    image: x\n  just text\n")
    with pytest.raises(AssertionError):
        parse_yaml_subset("a: 1\na: 2\n")


# --- nginx -------------------------------------------------------------------------------------


def upstreams(conf: str) -> dict[str, list[str]]:
    """Each upstream block's server addresses."""
    found: dict[str, list[str]] = {}
    for name, body in re.findall(r"upstream\s+(\w+)\s*\{(.*?)\}", conf, re.S):
        found[name] = re.findall(r"^\s*server\s+(\S+?)[\s;]", body, re.M)
    return found


def locations(conf: str) -> list[str]:
    """The location lines of the HTTPS server, in order."""
    https = conf[conf.index("listen 443"):]
    return re.findall(r"^\s*(location\s+[^{]+?)\s*\{", https, re.M)


def proxying(conf: str) -> list[str]:
    """The HTTPS server's proxy, body-size and method directives, in order (the behaviour the
    compose site must share with the host site)."""
    https = conf[conf.index("listen 443"):]
    return re.findall(r"^\s*((?:proxy_|client_max_body_size|limit_except)[^;{]*)", https, re.M)


def env_file(path: Path) -> dict[str, str]:
    """KEY=value lines of an env file (comments and blank lines skipped)."""
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def test_nginx_upstreams_are_the_instances_ports() -> None:
    """The host site's upstreams are the instances' webhook ports (a.env, b.env); the compose
    site's are the two bot containers at compose.yaml's ports; both sites route alike."""
    host, composed = (p.read_text(encoding="utf-8") for p in (HOST_SITE, COMPOSE_SITE))
    instances = [env_file(ENV_DIR / f"{n}.env.example") for n in ("a", "b")]
    assert upstreams(host) == {
        "motcua_telegram": [f"127.0.0.1:{i['MOTCUA_TELEGRAM_WEBHOOK_PORT']}" for i in instances],
        "motcua_zalo": [f"127.0.0.1:{i['MOTCUA_ZALO_WEBHOOK_PORT']}" for i in instances],
    }
    ports = len({p for i in instances for p in i.values()})
    assert ports == 4, "two instances on one machine need four different ports"
    services = load_compose()["services"]
    assert upstreams(composed) == {
        "motcua_telegram": [
            f"{n}:{services[n]['environment']['MOTCUA_TELEGRAM_WEBHOOK_PORT']}"
            for n in ("bot-a", "bot-b")],
        "motcua_zalo": [
            f"{n}:{services[n]['environment']['MOTCUA_ZALO_WEBHOOK_PORT']}"
            for n in ("bot-a", "bot-b")],
    }
    assert locations(host) == locations(composed)
    assert proxying(host) == proxying(composed)
    common = env_file(ENV_DIR / "common.env.example")
    paths = {urlsplit(common[k]).path for k in ("MOTCUA_TELEGRAM_WEBHOOK_URL",
                                                 "MOTCUA_ZALO_WEBHOOK_URL")}
    assert {f"location = {p}" for p in paths} <= set(locations(host))


def _nginx() -> str:
    """The nginx binary, or the test skipped with the reason printed."""
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None)
    if nginx is None:
        pytest.skip("nginx is not installed (Debian: nginx-light; .ci/run installs it)")
    return nginx


def _certificate(folder: Path) -> None:
    """A throw-away self-signed fullchain.pem and privkey.pem in folder."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed: no certificate to test the site with")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=bot.example.gov.vn", "-keyout", str(folder / "privkey.pem"),
                    "-out", str(folder / "fullchain.pem")],
                   check=True, capture_output=True, timeout=60)


def _site_for_test(site: Path, folder: Path) -> str:
    """The site with the test's certificate, and 127.0.0.1 for the compose containers."""
    text = site.read_text(encoding="utf-8")
    for cert_folder in ("/etc/letsencrypt/live/bot.example.gov.vn", "/etc/nginx/tls"):
        text = text.replace(cert_folder, str(folder))
    text = re.sub(r"\bbot-[ab]:", "127.0.0.1:", text)
    left = [line for line in text.splitlines() if "/etc/" in line.split("#", 1)[0]]
    assert not left, f"a path the test cannot provide is left in the site: {left}"
    return text


def _nginx_conf(folder: Path, site: str) -> Path:
    """A whole nginx.conf under folder (its prefix) including the site."""
    (folder / "logs").mkdir(exist_ok=True)
    (folder / "site.conf").write_text(site, encoding="utf-8")
    conf = folder / "nginx.conf"
    conf.write_text(
        f"pid {folder}/nginx.pid;\nerror_log {folder}/logs/error.log;\nevents {{}}\n"
        f"http {{\n    access_log off;\n    include {folder}/site.conf;\n}}\n",
        encoding="utf-8")
    return conf


@pytest.mark.parametrize("site", (HOST_SITE, COMPOSE_SITE), ids=lambda p: p.name)
def test_nginx_accepts_the_site(site: Path, tmp_path: Path) -> None:
    """`nginx -t` under a test prefix accepts the site, with a throw-away certificate in place
    of the real one (and, for compose, 127.0.0.1 in place of the containers' names)."""
    nginx = _nginx()
    _certificate(tmp_path)
    conf = _nginx_conf(tmp_path, _site_for_test(site, tmp_path))
    done = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "logs/e.log"),
                           "-c", str(conf)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr
    assert "[warn]" not in done.stderr, done.stderr


async def _port_open(port: int, seconds: float = 20) -> None:
    """Wait until something accepts connections on 127.0.0.1:port."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.1)


async def _busy_instance(hits: list[int]) -> tuple[Any, int]:
    """A stand-in for an instance over its queue bound: it reads each POST and answers 503, as
    the bot's webhook server does with 500 updates waiting (bot/channels/telegram_webhook.py).
    Returns the server and its port; hits counts the requests it got."""
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One request: headers, the body by Content-Length, then 503."""
        head = await reader.readuntil(b"\r\n\r\n")
        size = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        if size:
            await reader.readexactly(int(size.group(1)))
        hits.append(1)
        writer.write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                     b"Connection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def test_nginx_site_carries_webhooks_to_a_live_instance(tmp_path: Path) -> None:
    """The host site run by a real nginx in front of a real `motcua run` (webhook mode, the
    fake Bot API): with instance a answering 503 (busy), every update is passed on to b and
    answered once — POSTs included (`non_idempotent`) — a replayed update is not answered
    again, the secret header reaches the bot, and nginx itself refuses other methods and paths
    and bodies over 1 MB."""
    nginx = _nginx()
    _certificate(tmp_path)
    hits: list[int] = []
    busy, busy_port = await _busy_instance(hits)
    https, http, live = (free_port() for _ in range(3))
    site = _site_for_test(HOST_SITE, tmp_path)
    site = site.replace("127.0.0.1:8443 ", f"127.0.0.1:{busy_port} ")  # instance a: busy
    site = site.replace("127.0.0.1:8453 ", f"127.0.0.1:{live} ")  # instance b: the bot
    site = re.sub(r"^\s*listen \[::\]:.*$", "", site, flags=re.M)
    site = site.replace("listen 443 ssl;", f"listen 127.0.0.1:{https} ssl;")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http};")
    conf = _nginx_conf(tmp_path, site)
    proxy = await asyncio.create_subprocess_exec(
        nginx, "-p", str(tmp_path), "-e", str(tmp_path / "logs/e.log"), "-c", str(conf),
        "-g", "daemon off;", stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    secret = "bi-mat_chung_cua_moi_phien_ban"
    url = f"https://127.0.0.1:{https}/telegram"
    try:
        await _port_open(https)
        async with FakeTelegram() as fake, httpx.AsyncClient(verify=False, timeout=20) as web:
            bot = BotProcess({**fake.env(), "MOTCUA_DB_PATH": str(tmp_path / "motcua.db"),
                              "MOTCUA_TELEGRAM_WEBHOOK_URL": url,
                              "MOTCUA_TELEGRAM_WEBHOOK_SECRET": secret,
                              "MOTCUA_TELEGRAM_WEBHOOK_PORT": str(live)}, tmp_path)
            await bot.start(lambda: fake.wait_for_call("setWebhook", 1, timeout=30))
            try:
                await _port_open(live)
                assert fake.webhook["url"] == url

                async def post(update: dict[str, Any], key: str | None = secret) -> int:
                    """POST an update through nginx as Telegram does."""
                    headers = {"X-Telegram-Bot-Api-Secret-Token": key} if key else {}
                    return (await web.post(url, json=update, headers=headers)).status_code

                chats = [4101, 4102, 4103, 4104]
                updates = [fake.text_update(chat, "/start") for chat in chats]
                assert [await post(u) for u in updates] == [200] * 4
                assert hits, "nginx never tried instance a: the test proves no hand-over"
                for chat in chats:
                    [hello] = await fake.wait_for_messages(chat, 1, timeout=20)
                    assert "Xin chào" in hello.plain
                assert await post(updates[0]) == 200  # Telegram's retry of a delivered update
                assert await post(fake.text_update(4105, "/start"), "sai-ma") == 403
                assert await fake.quiet(4101, 0.5) == [] and await fake.quiet(4105, 0.1) == []
                assert (await web.get(url)).status_code == 403  # POST only
                assert (await web.post(f"https://127.0.0.1:{https}/khac")).status_code == 404
                big = await web.post(url, content=b"x" * (1024 * 1024 + 1),
                                     headers={"Content-Type": "application/json"})
                assert big.status_code == 413
                plain = await web.get(f"http://127.0.0.1:{http}/telegram",
                                      follow_redirects=False)
                assert plain.status_code == 301
            finally:
                assert await bot.stop() == 0
    finally:
        proxy.terminate()
        await proxy.wait()
        busy.close()
# --- env examples ------------------------------------------------------------------------------


SECRET_KEYS = ("MOTCUA_TELEGRAM_TOKEN", "MOTCUA_ZALO_TOKEN", "MOTCUA_TELEGRAM_WEBHOOK_SECRET",
               "MOTCUA_ZALO_WEBHOOK_SECRET", "POSTGRES_PASSWORD")


@pytest.mark.parametrize("example", sorted(ENV_DIR.glob("*.env.example")), ids=lambda p: p.name)
def test_env_example_names_settings_and_no_secret(example: Path) -> None:
    """Every variable an env example sets is a setting the bot reads (or compose's database
    password); tokens, secrets and passwords are left empty or a visible placeholder."""
    pairs = env_file(example)
    known = {f"MOTCUA_{name.upper()}" for name in Settings.model_fields} | {"POSTGRES_PASSWORD"}
    assert set(pairs) <= known, set(pairs) - known
    for key in SECRET_KEYS:
        assert pairs.get(key, "") == "", f"{example.name}: {key} must be left for the operator"
    if "MOTCUA_DATABASE_URL" in pairs:
        assert urlsplit(pairs["MOTCUA_DATABASE_URL"]).password == "DOI_MAT_KHAU"


@pytest.mark.parametrize("instance", ("a", "b"))
def test_common_and_instance_env_make_valid_settings(instance: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The common file then the instance's, as systemd reads them, give valid settings: the
    PostgreSQL store, the instance's own ports, the shared webhook URLs."""
    monkeypatch.delenv("MOTCUA_UNIT")  # the example's unit, not the tests'
    files = (ENV_DIR / "common.env.example", ENV_DIR / f"{instance}.env.example")
    settings = Settings(_env_file=files)  # type: ignore[call-arg]
    ports = env_file(files[1])
    assert settings.store_url.startswith("postgresql://motcua:")
    assert not settings.store_is_file
    assert settings.telegram_webhook_port == int(ports["MOTCUA_TELEGRAM_WEBHOOK_PORT"])
    assert settings.zalo_webhook_port == int(ports["MOTCUA_ZALO_WEBHOOK_PORT"])
    assert settings.telegram_webhook_url == "https://bot.example.gov.vn/telegram"
    assert settings.unit == "Trung tâm Phục vụ hành chính công tỉnh Mẫu"


def test_env_files_source_in_a_shell_as_systemd_reads_them(tmp_path: Path) -> None:
    """docs/deploy.md runs `motcua check` after `set -a; . common.env; . a.env` in bash: the
    examples source without error and give the values systemd's EnvironmentFile gives (quotes
    removed, the instance's file last)."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    script = (f"set -a; . {ENV_DIR / 'common.env.example'}; . {ENV_DIR / 'b.env.example'}; "
              "printf '%s\\n' \"$MOTCUA_UNIT\" \"$MOTCUA_TELEGRAM_WEBHOOK_PORT\" "
              "\"$MOTCUA_DATABASE_URL\"")
    done = subprocess.run([bash, "-c", script], capture_output=True, text=True, timeout=30,
                          env={"PATH": os.environ.get("PATH", "")}, cwd=tmp_path)
    assert done.returncode == 0 and not done.stderr, done.stderr
    assert done.stdout.splitlines() == [
        "Trung tâm Phục vụ hành chính công tỉnh Mẫu", "8453",
        "postgresql://motcua:DOI_MAT_KHAU@127.0.0.1:5432/motcua"]


# --- docs/deploy.md's commands -----------------------------------------------------------------


# A word before `motcua` that makes it a name, not the program: an option taking a user, role or
# database (`-u motcua`, `-O motcua`), a cron time field (`*/15 * * * * motcua …`, the user), or
# a pg_hba.conf connection type (`host  motcua  motcua …`, the database then the role).
NOT_THE_PROGRAM = re.compile(r"^(?:-[A-Za-z]|[0-9*/,-]+|host|hostssl|local)$")


def documented_commands() -> list[tuple[str, ...]]:
    """Every `motcua SUB [SUBSUB]` in docs/deploy.md's code (fenced blocks and `spans`), where
    motcua is the program (not a role or database name after an option such as -O or -U)."""
    text = DEPLOY_DOC.read_text(encoding="utf-8")
    code = re.findall(r"```[a-z]*\n(.*?)```", text, re.S) + re.findall(r"`([^`\n]+)`", text)
    found: set[tuple[str, ...]] = set()
    for chunk in code:
        for m in re.finditer(
                r"(?:^|(?<=[\s(;&|\"'])|(?<=/bin/))motcua[ \t]+([a-z][a-z-]*)"
                r"(?:[ \t]+([a-z][a-z-]*))?(?=[\s`\"';)]|$)", chunk, re.M):
            before = chunk[:m.start()].split()
            if before and NOT_THE_PROGRAM.match(before[-1]):
                continue
            found.add((m.group(1),) + ((m.group(2),) if m.group(2) else ()))
    return sorted(found)


def cli_help(*args: str) -> set[str]:
    """The sub-commands `motcua ARGS --help` lists (the CLI's own help, run as a process)."""
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from bot.cli.main import main; sys.exit(main())",
         *args, "--help"], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return set(re.findall(r"^    (\S+)", done.stdout, re.M))


def test_deploy_doc_shows_the_commands_it_relies_on() -> None:
    """The extraction finds the commands the province set-up cannot do without."""
    commands = documented_commands()
    for needed in (("run",), ("check",), ("store", "copy")):
        assert any(c[:len(needed)] == needed for c in commands), needed


@pytest.mark.parametrize("command", documented_commands(), ids=" ".join)
def test_deploy_doc_command_exists(command: tuple[str, ...]) -> None:
    """Each `motcua` sub-command docs/deploy.md shows is listed by `motcua --help` (and a second
    word, where the sub-command has its own sub-commands, by `motcua SUB --help`)."""
    top = cli_help()
    assert command[0] in top, f"motcua {command[0]} is not a sub-command: {sorted(top)}"
    if len(command) > 1:
        nested = cli_help(command[0])
        if nested:  # a sub-command without sub-commands: the second word is an argument
            assert command[1] in nested, f"motcua {' '.join(command)}: not in {sorted(nested)}"


# --- backups: the dump, the retention and the restore drill ------------------------------------


def _pg_env(url: str) -> dict[str, str]:
    """libpq's environment for the PostgreSQL tools (the password not on a command line)."""
    parts = urlsplit(url)
    env = dict(os.environ)
    env.update(PGHOST=parts.hostname or "127.0.0.1", PGPORT=str(parts.port or 5432),
               PGUSER=parts.username or "", PGPASSWORD=parts.password or "")
    return env


async def test_backup_script_dump_restores_and_checks(tmp_path: Path) -> None:
    """deploy/motcua-pg-backup.sh dumps the store (custom format), prunes only old dumps; the
    drill of docs/deploy.md — pg_restore into an empty database, `motcua check` — gives the same
    store."""
    from storage.engine import open_store
    from tests.pg_helpers import pg_test_database

    url = pg_test_database()
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed (Debian: postgresql-client)")
    store = await open_store(url)
    try:
        async with store.transaction() as conn:
            unit_id = (await conn.execute_fetchall(
                "INSERT INTO units (name, created_at) VALUES (?, ?) RETURNING id",
                ("Trung tâm Phục vụ hành chính công xã Mẫu", "2026-01-05T08:00:00")))[0][0]
            await conn.execute(
                "INSERT INTO procedures (unit_id, code, name, name_search, level, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (unit_id, "1.001", "Đăng ký khai sinh", "dang ky khai sinh", "toan_trinh",
                 "2026-01-05T08:00:00"))
        counts, version = await store.table_counts(), await store.schema_version()
    finally:
        await store.close()
    assert counts["units"] == 1 and counts["procedures"] == 1

    folder = tmp_path / "backups"
    folder.mkdir()
    old, other = folder / "motcua-20250101T000000Z.dump", folder / "khac.dump"
    for path in (old, other):
        path.write_bytes(b"old")
        os.utime(path, (0, 0))
    env = _pg_env(url)
    done = subprocess.run([str(BACKUP_SCRIPT), urlsplit(url).path.lstrip("/"), str(folder), "14"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    dump = Path(done.stdout.strip())
    assert dump.parent == folder and dump.name.startswith("motcua-") and dump.is_file()
    assert sorted(p.name for p in folder.iterdir()) == sorted([dump.name, other.name])
    assert not old.exists()  # older than 14 days: pruned; a file not named motcua-* is kept

    # The drill restores into an empty database; here that is the test database emptied (a
    # CREATE/DROP DATABASE per test would wait for a checkpoint each, minutes on a busy machine).
    import asyncpg

    raw = await asyncpg.connect(url, timeout=10)
    try:
        await raw.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await raw.close()
    restored = subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", urlsplit(url).path[1:],
         str(dump)], capture_output=True, text=True, env=env, timeout=120)
    assert restored.returncode == 0, restored.stderr
    copy = await open_store(url, migrate=False)
    try:
        assert await copy.table_counts() == counts
        assert await copy.schema_version() == version
    finally:
        await copy.close()
    check_env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    check_env.update(MOTCUA_DATABASE_URL=url, PYTHONPATH=str(ROOT))  # this tree's `motcua`
    checked = subprocess.run([sys.executable, "-m", "bot.cli.main", "check"],
                             capture_output=True, text=True, env=check_env, timeout=120,
                             cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Kết quả: sẵn sàng" in checked.stdout
