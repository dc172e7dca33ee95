"""The feed server as a real process on 127.0.0.1: headers, 304s, tokens, bad requests."""

from __future__ import annotations

import email.utils
import gzip
import http.client
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from calendars.export import export
from calendars.export import write_atomically as export_file
from calendars.feeds import build_feeds
from calendars.server import FeedStore
from calendars.site import render_index
from cycle import WorkCalendar, parse_cycle
from tests.calendars.conftest import BASE, BIN, feeds_served, publish, store_mini
from tests.conftest import MINI
from tests.servers import free_port, listening

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def shared(
    tmp_path_factory: pytest.TempPathFactory, calendar: WorkCalendar
) -> Iterator[tuple[int, Path, dict[str, str]]]:
    """One served export for the tests that only read it (each other test gets a site of
    its own): starting a server and exporting for each of them cost a minute."""
    folder = tmp_path_factory.mktemp("delad")
    engine = store_mini(
        folder, parse_cycle(MINI.read_text(encoding="utf-8"), "mini.toml"), calendar
    )
    try:
        with feeds_served(engine, folder / "publicerat") as served:
            yield served
    finally:
        engine.dispose()


def get(
    port: int, path: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest(method, path, skip_accept_encoding=True)  # the path is sent as is
    for k, v in (headers or {}).items():
        conn.putheader(k, v)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def test_a_feed_is_served_with_caching_headers(shared: tuple[int, Path, dict[str, str]]) -> None:
    port, root, _ = shared
    status, headers, body = get(port, "/feeds/mini/radet.ics")
    assert status == 200
    assert body == (root / "feeds" / "mini" / "radet.ics").read_bytes()
    assert headers["content-type"] == "text/calendar; charset=utf-8"
    assert headers["etag"].startswith('"') and not headers["etag"].startswith("W/")
    assert email.utils.parsedate_to_datetime(headers["last-modified"]).timestamp() == (
        (root / "feeds" / "mini" / "radet.ics").stat().st_mtime
    )
    assert headers["cache-control"] == "public, max-age=900"
    assert int(headers["content-length"]) == len(body)
    status, head_headers, head_body = get(port, "/feeds/mini/radet.ics", method="HEAD")
    assert status == 200 and head_body == b"" and head_headers["etag"] == headers["etag"]


@pytest.mark.parametrize(
    ("make_headers", "expected"),
    [
        (lambda etag, lm: {"If-None-Match": etag}, 304),
        (lambda etag, lm: {"If-None-Match": f'"other", {etag}'}, 304),
        (lambda etag, lm: {"If-None-Match": f"W/{etag}"}, 304),
        (lambda etag, lm: {"If-None-Match": "*"}, 304),
        (lambda etag, lm: {"If-None-Match": '"stale"'}, 200),
        (lambda etag, lm: {"If-Modified-Since": lm}, 304),
        (lambda etag, lm: {"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}, 200),
        (lambda etag, lm: {"If-Modified-Since": "igår"}, 200),
        # If-None-Match wins: a stale tag means 200 even with a fresh date
        (lambda etag, lm: {"If-None-Match": '"stale"', "If-Modified-Since": lm}, 200),
    ],
)
def test_conditional_requests(
    shared: tuple[int, Path, dict[str, str]],
    make_headers,  # type: ignore[no-untyped-def]
    expected: int,
) -> None:
    port, _, _ = shared
    _, headers, _ = get(port, "/feeds/mini.ics")
    status, response_headers, body = get(
        port, "/feeds/mini.ics", make_headers(headers["etag"], headers["last-modified"])
    )
    assert status == expected
    if expected == 304:
        assert body == b"" and response_headers["etag"] == headers["etag"]


def test_personal_feeds_need_the_exact_token(shared: tuple[int, Path, dict[str, str]]) -> None:
    port, _, tokens = shared
    token = tokens["mini/lena-sjo"]
    status, headers, body = get(port, f"/p/{token}.ics")
    assert status == 200 and b"Sista dag: " in body
    assert headers["cache-control"].startswith("private")
    assert headers["referrer-policy"] == "no-referrer"
    missing = get(port, "/finns-inte.ics")
    for wrong in (
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        token[:-2],
        "x" * len(token),
        token.upper() if token.upper() != token else token.lower(),
    ):
        status, _, body = get(port, f"/p/{wrong}.ics")
        assert (status, body) == (404, missing[2])  # no hint that a token is close


def test_group_feeds_need_the_exact_token(shared: tuple[int, Path, dict[str, str]]) -> None:
    port, root, _ = shared
    (feed,) = [p for p in (root / "g").glob("*.ics") if b"Beredningsgruppen" in p.read_bytes()]
    token = feed.stem
    status, headers, body = get(port, f"/g/{token}.ics")
    assert status == 200 and body == feed.read_bytes() and b"Sista dag: " in body
    assert headers["cache-control"].startswith("private")
    missing = get(port, "/finns-inte.ics")
    for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), token[:-2], "x" * len(token)):
        assert get(port, f"/g/{wrong}.ics")[::2] == (404, missing[2])
    assert get(port, "/g/")[0] == 404  # no listing


@pytest.mark.parametrize(
    "path",
    [
        "/p/../../etc/passwd",
        "/g/../index.json",
        "/../index.json",
        "/feeds/../../x.ics",
        "/p/%2e%2e/%2e%2e/etc/passwd",
        "/feeds/mini/../../../etc/hosts",
    ],
)
def test_path_traversal_finds_nothing(shared: tuple[int, Path, dict[str, str]], path: str) -> None:
    port, _, _ = shared
    status, _, body = get(port, path)
    assert status in (400, 404) and b"root:" not in body


def test_other_methods_are_refused(shared: tuple[int, Path, dict[str, str]]) -> None:
    status, headers, _ = get(shared[0], "/feeds/mini.ics", method="POST")
    assert status == 405 and headers["allow"] == "GET, HEAD"


def _raw(port: int, payload: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(payload)
        chunks = []
        try:
            while chunk := s.recv(65536):
                chunks.append(chunk)
        except (ConnectionResetError, TimeoutError):
            pass
    return b"".join(chunks)


@pytest.mark.parametrize(
    "payload",
    [
        b"GET /feeds/mini.ics HTTP/1.1\r\nHost: x\r\nX-Huge: " + b"a" * 200_000 + b"\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage-that-is-tls\r\n\r\n",
        b"GET /feeds/mini.ics HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n",
        b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    ],
    ids=["huge-header", "tls-bytes", "malformed-header", "huge-path"],
)
def test_garbage_is_refused_and_the_server_keeps_serving(
    shared: tuple[int, Path, dict[str, str]], payload: bytes
) -> None:
    port, _, _ = shared
    answer = _raw(port, payload)
    assert answer == b"" or answer.split(b" ", 2)[1] in (b"400", b"404", b"413", b"414", b"431")
    assert get(port, "/feeds/mini.ics")[0] == 200


def test_start_page_lists_public_feeds_with_subscribe_links(
    shared: tuple[int, Path, dict[str, str]],
) -> None:
    status, headers, body = get(shared[0], "/")
    page = body.decode()
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="sv">' in page
    assert "webcal://arshjul.example.se/feeds/mini/radet.ics" in page
    assert "https://arshjul.example.se/feeds/mini/radet.ics" in page
    assert "Google Kalender" in page and "Outlook" in page and "Apple" in page
    # personal and group feeds never: their addresses are their secrets
    assert "/p/" not in page and "/g/" not in page
    assert "Arbetsgrupper: möten" not in page and "Beredningsgruppen" not in page
    assert page.index("Så prenumererar du") < page.index("feeds/mini/radet.ics")


def test_a_new_export_is_picked_up_and_a_rotated_token_stops_working(
    site: tuple[int, Path, dict[str, str]], stored: Engine
) -> None:
    import datetime as dt

    from models.database import write_session
    from models.tokens import rotate_token

    port, root, tokens = site
    old = tokens["mini/anna-berg"]
    with write_session(stored) as s:
        new = rotate_token(s, person="mini/anna-berg", now=dt.datetime.now(dt.UTC))
    published = publish(stored)
    feeds = build_feeds(published, base_url=BASE)
    export(root, feeds, {"index.html": render_index(feeds, published.organisations, BASE)})
    deadline = time.monotonic() + 10
    while get(port, f"/p/{new}.ics")[0] != 200:  # the server re-reads within a second
        assert time.monotonic() < deadline, "the server never picked up the new export"
        time.sleep(0.2)
    assert get(port, f"/p/{old}.ics")[0] == 404


def test_gzip_is_sent_to_clients_that_ask_for_it(shared: tuple[int, Path, dict[str, str]]) -> None:
    import gzip

    port, root, _ = shared
    plain_status, plain, body = get(port, "/feeds/mini/radet.ics")
    status, packed, packed_body = get(
        port, "/feeds/mini/radet.ics", {"Accept-Encoding": "gzip, deflate, br"}
    )
    assert plain_status == status == 200
    assert "content-encoding" not in plain and packed["content-encoding"] == "gzip"
    assert plain["vary"] == packed["vary"] == "accept-encoding"
    assert gzip.decompress(packed_body) == body  # byte-identical after decompression
    assert packed_body == (root / "feeds" / "mini" / "radet.ics.gz").read_bytes()
    assert int(packed["content-length"]) == len(packed_body) < len(body)
    assert packed["etag"] != plain["etag"]  # two representations, two tags
    assert packed["last-modified"] == plain["last-modified"]
    for refused in ("gzip;q=0", "identity", "br", "gzip;q=0, *;q=1"):
        _, headers, again = get(port, "/feeds/mini/radet.ics", {"Accept-Encoding": refused})
        assert "content-encoding" not in headers and again == body, refused
    _, headers, again = get(port, "/feeds/mini/radet.ics", {"Accept-Encoding": "*"})
    assert headers["content-encoding"] == "gzip" and again == packed_body
    status, headers, empty = get(
        port, "/feeds/mini/radet.ics", {"Accept-Encoding": "gzip"}, method="HEAD"
    )
    assert status == 200 and empty == b"" and int(headers["content-length"]) == len(packed_body)


def test_each_encoding_has_its_own_304(shared: tuple[int, Path, dict[str, str]]) -> None:
    port, _, tokens = shared
    path = f"/p/{next(t for t in tokens.values() if t)}.ics"  # private, and compressed
    _, plain, _ = get(port, path)
    _, packed, _ = get(port, path, {"Accept-Encoding": "gzip"})
    gz = {"Accept-Encoding": "gzip"}
    status, headers, body = get(port, path, {**gz, "If-None-Match": packed["etag"]})
    assert status == 304 and body == b"" and headers["etag"] == packed["etag"]
    assert "content-encoding" not in headers and headers["vary"] == "accept-encoding"
    assert get(port, path, {**gz, "If-None-Match": plain["etag"]})[0] == 200
    assert get(port, path, {"If-None-Match": packed["etag"]})[0] == 200
    assert get(port, path, {"If-None-Match": plain["etag"]})[0] == 304
    assert packed["cache-control"].startswith("private")
    assert packed["referrer-policy"] == "no-referrer"


def test_compression_can_be_switched_off(site: tuple[int, Path, dict[str, str]]) -> None:
    _, root, _ = site
    port = free_port()
    argv = [str(BIN / "arshjul"), "feeds", "serve", "--out", str(root), "--port", str(port)]
    with listening([*argv, "--no-compression"], port):
        _, headers, body = get(port, "/feeds/mini/radet.ics", {"Accept-Encoding": "gzip"})
        assert "content-encoding" not in headers and "vary" not in headers
        assert body == (root / "feeds" / "mini" / "radet.ics").read_bytes()


def test_a_personal_feed_fetch_is_noted_by_client_family_and_nothing_else(
    site: tuple[int, Path, dict[str, str]],
) -> None:
    import hashlib

    from calendars.fetchlog import FLUSH_SECONDS, fetch_dir, read_fetches

    port, root, tokens = site
    token = next(t for t in tokens.values() if t)
    before = time.time()
    assert get(port, f"/p/{token}.ics", {"User-Agent": "Google-Calendar-Importer"})[0] == 200
    assert get(port, "/feeds/mini.ics", {"User-Agent": "Microsoft Outlook"})[0] == 200
    folder = fetch_dir(root)
    digest = hashlib.sha256(token.encode()).hexdigest()
    deadline = time.monotonic() + FLUSH_SECONDS + 20
    while digest not in read_fetches(folder):  # the server writes its notes within seconds
        assert time.monotonic() < deadline, "no fetch was noted"
        time.sleep(0.2)
    note = read_fetches(folder)[digest]
    assert note.client == "Google" and note.at.timestamp() >= int(before)
    assert len(read_fetches(folder)) == 1  # public feeds are nobody's
    written = "".join(p.read_text(encoding="utf-8") for p in folder.glob("*.json"))
    assert token not in written and "127.0.0.1" not in written and "Importer" not in written
    assert not folder.is_relative_to(root)  # beside the export, never published


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that just ended
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_several_workers_serve_and_leave_nothing_behind(
    site: tuple[int, Path, dict[str, str]],
) -> None:
    """`--workers 2`: two forked processes answer; stopping the one that was started
    (its PID only, not the group) ends them too."""
    _, root, _ = site
    port = free_port()
    argv = [str(BIN / "arshjul"), "feeds", "serve", "--out", str(root), "--port", str(port)]
    with listening([*argv, "--workers", "2"], port) as server:
        deadline = time.monotonic() + 30
        while len(_children(server.pid)) < 2:
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.1)  # waiting for the second fork
        workers = _children(server.pid)
        statuses = {get(port, "/feeds/mini/radet.ics")[0] for _ in range(20)}
        assert statuses == {200}
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        deadline = time.monotonic() + 20
        while any(Path(f"/proc/{w}").exists() for w in workers):
            assert time.monotonic() < deadline, "a worker outlived the server"
            time.sleep(0.1)


def test_a_request_that_never_finishes_is_closed_and_others_are_served(
    site: tuple[int, Path, dict[str, str]],
) -> None:
    from calendars.static_http import IDLE_SECONDS

    port, _, _ = site
    with socket.create_connection(("127.0.0.1", port), timeout=IDLE_SECONDS + 20) as s:
        s.sendall(b"GET /feeds/mini.ics HTTP/1.1\r\nHost: x\r\n")  # and then nothing
        assert get(port, "/feeds/mini.ics")[0] == 200  # meanwhile, others are served
        started = time.monotonic()
        assert s.recv(1024) == b""  # the server hangs up on the silent one
        assert time.monotonic() - started < IDLE_SECONDS + 10


def test_the_embed_view_is_the_wheel_alone(shared: tuple[int, Path, dict[str, str]]) -> None:
    status, headers, body = get(shared[0], "/o/mini/2027/inbaddning")
    page = body.decode()
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert "x-frame-options" not in headers  # an intranet may frame it
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'class="legend"' in page
    assert "<nav" not in page and 'target="_top"' in page
    year_page = get(shared[0], "/o/mini/2027")[2].decode()
    assert "/o/mini/2027/inbaddning" in year_page  # the snippet to paste


def test_a_server_whose_cache_holds_nothing_serves_every_file_from_disk(
    site: tuple[int, Path, dict[str, str]],
) -> None:
    _, root, tokens = site
    port = free_port()
    argv = [str(BIN / "arshjul"), "feeds", "serve", "--out", str(root), "--port", str(port)]
    with listening([*argv, "--cache-mb", "0"], port):
        files = sorted(p for p in root.rglob("*.ics") if p.is_file())
        assert len(files) > 5
        for file in files:
            path = "/" + file.relative_to(root).as_posix()
            status, headers, body = get(port, path)
            assert (status, body) == (200, file.read_bytes()), path
            assert get(port, path, {"If-None-Match": headers["etag"]})[0] == 304
            status, packed_headers, packed = get(port, path, {"Accept-Encoding": "gzip"})
            assert packed_headers.get("content-encoding") == "gzip"
            assert gzip.decompress(packed) == file.read_bytes()
        token = tokens["mini/lena-sjo"]
        assert get(port, f"/p/{token}.ics")[0] == 200
        assert get(port, f"/p/{token[:-1]}.ics")[0] == 404


def test_the_store_keeps_no_more_than_its_cache_and_sees_a_new_export(
    site: tuple[int, Path, dict[str, str]],
) -> None:
    _, root, _ = site
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".ics", ".html"))
    largest = max(p.stat().st_size for p in files)
    store = FeedStore(root, cache_bytes=8 * largest)
    for _ in range(2):
        for file in files:
            found = store.find("/" + file.relative_to(root).as_posix())
            assert found is not None and found.body == file.read_bytes()
            assert 0 < store.cached_bytes <= store.cache_bytes
    feed = root / "feeds" / "mini" / "radet.ics"
    assert store.find("/feeds/mini/radet.ics") is not None
    changed = feed.read_bytes().replace(b"END:VCALENDAR", b"X-TEST:1\r\nEND:VCALENDAR")
    export_file(feed, changed)
    export_file(root / "index.json", (root / "index.json").read_bytes() + b"\n")
    store._checked = 0.0  # the once-a-second check is due
    store.maybe_reload()
    found = store.find("/feeds/mini/radet.ics")
    assert found is not None and found.body == changed
    assert store.find("/feeds/mini/finns-inte.ics") is None
    assert store.find("/.arshjul-render.sqlite") is None
