"""`provwatch serve`'s safety: loopback by default, a token for anything else, CSRF on
every form, no foreign Host on loopback, secrets never in a page."""

from __future__ import annotations

import http.client
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from _web import _env, serve_archive

TOKEN = "correct-horse-battery-staple"


def _request(url: str, path: str, method: str = "GET", body: str | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return (response.status, {k.lower(): v for k, v in response.getheaders()},
                response.read().decode("utf-8"))
    finally:
        conn.close()


def _serve(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", "serve", *args],
                          capture_output=True, text=True, timeout=120, env=_env(**env))


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_a_non_loopback_address_without_a_token_is_refused_with_the_reason(host, demo_archive):
    result = _serve(["--host", host, "--port", "0", "--db", str(demo_archive.db)])

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"provwatch: error: serve: refusing to listen on {host}: it is not a loopback address "
        "and no access token is set (set web_token in the config file or PROVWATCH_WEB_TOKEN, "
        "or listen on 127.0.0.1)"]
    assert result.stdout == ""


def test_a_short_token_is_refused_and_never_printed(demo_archive):
    result = _serve(["--host", "0.0.0.0", "--port", "0", "--db", str(demo_archive.db)],
                    PROVWATCH_WEB_TOKEN="hunter2")

    assert result.returncode == 1 and "shorter than 12 characters" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_database_file_that_does_not_exist_is_one_line(tmp_path):
    result = _serve(["--port", "0", "--db", str(tmp_path / "nope.db")])

    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "does not exist" in result.stderr


def test_with_a_token_every_request_needs_it_and_signing_in_sets_a_session(demo_archive):
    with serve_archive(str(demo_archive.db), "--host", "0.0.0.0",
                       env={"PROVWATCH_WEB_TOKEN": TOKEN}) as served:
        api, _, body = _request(served.url, "/api/openapi.json")
        page, headers, _ = _request(served.url, "/attention?since=2026-01-01")
        bearer, _, _ = _request(served.url, "/api/openapi.json",
                                headers={"Authorization": f"Bearer {TOKEN}"})
        wrong, _, _ = _request(served.url, "/api/openapi.json",
                               headers={"Authorization": "Bearer not-the-token-at-all"})
        form_status, form_headers, form = _request(served.url, "/login")
        output = "".join(served.output)

    assert api == 401 and "access token" in body
    assert page == 303 and headers["location"] == "/login?next=%2Fattention%3Fsince%3D2026-01-01"
    assert (bearer, wrong) == (200, 401)
    assert form_status == 200 and 'name="token"' in form and TOKEN not in form
    assert TOKEN not in output


def test_signing_in_in_the_browser_opens_the_app(demo_archive, page):
    with serve_archive(str(demo_archive.db), "--host", "0.0.0.0",
                       env={"PROVWATCH_WEB_TOKEN": TOKEN}) as served:
        page.goto(served.url + "/healthz")
        page.goto(served.url + "/login?next=/healthz")
        page.fill("input[name=token]", "wrong-token-entirely")
        page.click("button[type=submit]")
        refused = page.locator(".error").inner_text()
        page.fill("input[name=token]", TOKEN)
        page.click("button[type=submit]")
        page.wait_for_url("**/healthz")
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
        html = page.content()

    page.console_errors.clear()  # the refused sign-in's 403 is the test, not a fault
    assert "not this server's access token" in refused
    assert "ok" in html
    assert cookies["provwatch_session"] != TOKEN and TOKEN not in cookies["provwatch_session"]


@pytest.mark.parametrize("path,form", [
    ("/login", "token=x"),
    ("/search/watchlist", "name=forged&channel=email%3Aa%40example.com&q=%E7%94%B5%E6%B1%A0"),
    ("/api/alerts/1/retry", ""),
])
def test_a_form_post_without_its_csrf_token_is_refused(served_demo, path, form):
    no_cookie = _request(served_demo.url, path, "POST", form,
                         {"Content-Type": "application/x-www-form-urlencoded"})
    forged = _request(served_demo.url, path, "POST", form + "&csrftoken=forged",
                      {"Content-Type": "application/x-www-form-urlencoded",
                       "Cookie": "csrftoken=also-forged"})
    from_elsewhere = _request(served_demo.url, path, "POST", form,
                              {"Content-Type": "text/plain", "Origin": "https://evil.example"})

    for status, _, body in (no_cookie, forged, from_elsewhere):
        assert status == 403 and body.startswith("CSRF check failed")


def test_a_refused_watchlist_never_shows_its_channel_secret_again(served_demo, page):
    secret = "hooks.example/services/T000/B000/s3cr3t-t0k3n"
    page.goto(f"{served_demo.url}/search?q=%E5%8A%A8%E5%8A%9B%E7%94%B5%E6%B1%A0")
    page.fill("form.save input[name=name]", "nev-henan-hainan")  # the demo has it
    page.fill("form.save input[name=channel]", f"webhook:https://{secret}")
    page.click("form.save button")
    page.wait_for_selector(".error")
    html = page.content()
    page.console_errors.clear()  # the 400 answer itself is logged by the browser

    assert "'nev-henan-hainan' exists" in page.locator(".error").inner_text()
    assert "s3cr3t-t0k3n" not in html


def test_bound_to_loopback_a_foreign_host_header_is_refused(served_demo):
    """A page of another site that made its name resolve to 127.0.0.1 (DNS rebinding)
    reaches the app with its own Host header."""
    status, _, _ = _request(served_demo.url, "/healthz", headers={"Host": "evil.example"})
    ok, _, _ = _request(served_demo.url, "/healthz",
                        headers={"Host": f"localhost:{urlsplit(served_demo.url).port}"})

    assert (status, ok) == (400, 200)


def test_pages_forbid_inline_and_foreign_scripts(served_demo):
    _, headers, _ = _request(served_demo.url, "/login")

    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_a_port_in_use_is_one_line(demo_archive):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = _serve(["--port", str(port), "--db", str(demo_archive.db)])

    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"provwatch: error: serve: cannot listen on 127.0.0.1:{port}: Address already in use"]


@pytest.mark.parametrize("db,said", [
    ("mysql://root@127.0.0.1/test", "--db: database 'mysql' in mysql://root@127.0.0.1/test is "
                                    "not supported"),
    ("postgresql://u:hunter2@127.0.0.1:99999/x", "port 99999 is not a port number"),
])
def test_a_bad_database_is_one_line_without_its_password(db, said):
    result = _serve(["--port", "0", "--db", db])

    assert result.returncode == 1 and said in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "hunter2" not in result.stderr
