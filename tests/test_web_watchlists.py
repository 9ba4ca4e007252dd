"""Watchlists and alerts in a real browser: a watchlist created in the form is the one
`provwatch watch list` shows; a bad form value is one line and stores nothing; editing
keeps what is not changed, and a new name renames; a test alert reaches a real receiver; a
failed delivery is sent again with the retry button (or the JSON API). Channel tokens
never reach a page."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from _web import _env, copy_archive, serve_archive
from conftest import make_config

from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.services import watchlist_forms
from provwatch.crawler.storage import repository
from provwatch.crawler.storage.db import open_database

TOKEN = "s3cretTOKEN0987654321abcd"


def _cli(archive, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "provwatch.crawler.cli", *args],
                          capture_output=True, text=True, timeout=300,
                          env=_env(PROVWATCH_DATABASE_URL=archive.url, **env))


def _archive(demo_archive, tmp_path):
    return copy_archive(demo_archive, tmp_path / "archive")


def test_a_watchlist_created_in_the_form_appears_in_watch_list(demo_archive, tmp_path, page):
    archive = _archive(demo_archive, tmp_path)
    with serve_archive(str(archive.db)) as served:
        page.goto(served.url + "/watchlists/new")
        page.fill("#w-name", "byd-in-henan")
        page.fill("#w-provinces", "河南")
        page.fill("#w-sectors", "nev, batteries_storage")
        page.fill("#w-meeting_orgs", "比亚迪")
        page.fill("#w-channels", f"webhook:https://hooks.example.com/pw?token={TOKEN}")
        page.click("form.watchlist button[type=submit]")
        page.wait_for_url("**/watchlists/byd-in-henan?done=*")
        done = page.locator(".done").inner_text()
        shown = page.content()
        page.goto(served.url + "/watchlists")
        listed = page.content()
    result = _cli(archive, "watch", "list")
    show = _cli(archive, "watch", "show", "byd-in-henan")

    assert "watchlist 'byd-in-henan' added" in done
    assert "byd-in-henan" in result.stdout and "provinces henan" in result.stdout
    assert "sectors: [nev, batteries_storage]" in show.stdout
    assert "meeting_orgs: [比亚迪]" in show.stdout
    assert TOKEN not in shown + listed and "token=****" in listed


def test_a_bad_form_value_is_one_line_naming_the_field_and_stores_nothing(demo_archive,
                                                                          tmp_path, page):
    archive = _archive(demo_archive, tmp_path)
    with serve_archive(str(archive.db)) as served:
        page.goto(served.url + "/watchlists/new")
        page.fill("#w-name", "typo")
        page.fill("#w-provinces", "henn")
        page.fill("#w-channels", f"webhook:https://hooks.example.com/pw?token={TOKEN}")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.click("form.watchlist button[type=submit]")
        error = page.locator(".error").inner_text()
        kept = page.input_value("#w-provinces")
        html = page.content()
        page.fill("#w-provinces", "henan")
        page.fill("#w-channels", "webhook:ftp://hooks.example.com/x?token=" + TOKEN)
        page.click("form.watchlist button[type=submit]")
        channel_error = page.locator(".error").inner_text()
        html += page.content()
    page.console_errors.clear()  # the refused forms' 400s are the test, not a fault

    assert posted.value.status == 400
    assert error == ("form: watchlist 'typo': field 'provinces': unknown province id 'henn' "
                     "(did you mean henan?)")
    assert kept == "henn"  # the form comes back as typed, to be corrected
    assert channel_error.startswith("form: watchlist 'typo': field 'channels': ")
    assert "Traceback" not in html and TOKEN not in html
    assert "typo" not in _cli(archive, "watch", "list").stdout


def test_editing_changes_what_the_form_changes_and_keeps_the_ticked_channels(
        demo_archive, tmp_path, page):
    archive = _archive(demo_archive, tmp_path)
    with serve_archive(str(archive.db)) as served:
        page.goto(served.url + "/watchlists/nev-henan-hainan/edit")
        kept_channels = page.locator("label.check").all_inner_texts()
        page.fill("#w-sectors", "nev, ai")
        page.locator("label.check", has_text="email:").locator("input").uncheck()
        page.fill("#w-channels", "email:second@example.com")
        page.click("form.watchlist button[type=submit]")
        page.wait_for_url("**/watchlists/nev-henan-hainan?done=*")
    show = _cli(archive, "watch", "show", "nev-henan-hainan").stdout

    assert any("webhook:" in c for c in kept_channels)
    assert "sectors: [nev, ai]" in show and "provinces: [henan, hainan]" in show
    assert "email:second@example.com" in show and "analyst@demo.provwatch.test" not in show
    assert "webhook:http://127.0.0.1:" in show


def test_a_watchlist_is_renamed_in_the_edit_form_and_keeps_its_deliveries(demo_archive,
                                                                         tmp_path):
    """A new name in the edit form renames the watchlist: same id, so its deliveries and
    channels stay with it; a name another watchlist has is one line and changes nothing."""
    archive = _archive(demo_archive, tmp_path)
    config = make_config(tmp_path, archive.url)
    before = watchlist_forms.find(config, "nev-henan-hainan")
    form = {k: v for k, v in watchlist_forms.form_values(before).items() if isinstance(v, str)}
    keep = [str(i) for i in range(len(before.channels))]
    sent_before = watchlist_forms.deliveries(config, watchlist="nev-henan-hainan")

    taken = None
    try:
        watchlist_forms.edit(config, "nev-henan-hainan", {**form, "name": "ai-anywhere"}, keep)
    except ProvwatchError as e:
        taken = str(e)
    spec, _ = watchlist_forms.edit(config, "nev-henan-hainan",
                                   {**form, "name": "nev-south"}, keep)
    with open_database(archive.url)() as session:
        old, new = (repository.get_watchlist(session, n)
                    for n in ("nev-henan-hainan", "nev-south"))
    sent_after = watchlist_forms.deliveries(config, watchlist="nev-south")

    assert taken == ("form: watchlist 'nev-henan-hainan': field 'name': another watchlist "
                     "is named 'ai-anywhere'")
    assert spec.name == "nev-south" and old is None and new.id == before.id
    assert new.channels == list(before.channels) and new.provinces == list(before.provinces)
    assert sent_before and [d["id"] for d in sent_after] == [d["id"] for d in sent_before]
    assert "nev-south" in _cli(archive, "watch", "list").stdout


def test_the_edit_form_renames_in_the_browser(demo_archive, tmp_path, page):
    archive = _archive(demo_archive, tmp_path)
    with serve_archive(str(archive.db)) as served:
        page.goto(served.url + "/watchlists/guangxi-asean/edit")
        page.fill("#w-name", "guangxi-trade")
        page.click("form.watchlist button[type=submit]")
        page.wait_for_url("**/watchlists/guangxi-trade?done=*")
        done = page.locator(".done").inner_text()
    assert "watchlist 'guangxi-asean' saved as 'guangxi-trade'" in done
    assert "guangxi-asean" not in _cli(archive, "watch", "list").stdout


def test_a_test_alert_reaches_each_channel_of_the_watchlist(demo_archive, tmp_path, page,
                                                           webhook_receiver):
    archive = _archive(demo_archive, tmp_path)
    added = _cli(archive, "watch", "add", "probe", "--sector", "ai", "--webhook",
                 webhook_receiver.url)
    assert added.returncode == 0, added.stderr
    with serve_archive(str(archive.db)) as served:
        page.goto(served.url + "/watchlists/probe")
        page.click("text=Send a test alert to each channel")
        result = page.locator("ul.results li").all_inner_texts()

    assert result == [f"ok: webhook:{webhook_receiver.url}"]
    assert len(webhook_receiver.requests) == 1
    assert "provwatch test" in webhook_receiver.requests[0].body.decode()


def test_a_failed_delivery_is_sent_again_with_the_retry_button(demo_archive, tmp_path, page,
                                                               webhook_receiver):
    """The receiver answers 500 once: with one attempt allowed the delivery fails; the
    retry sends it again, and the receiver takes it."""
    archive = _archive(demo_archive, tmp_path)
    webhook_receiver.statuses = [500]
    once = {"PROVWATCH_ALERT_MAX_ATTEMPTS": "1"}
    added = _cli(archive, "watch", "add", "hubei-ai", "--province", "hubei", "--sector", "ai",
                 "--webhook", webhook_receiver.url, "--backfill-days", "3650")
    sent = _cli(archive, "alerts", "send", **once)
    assert added.returncode == 0 and "failed 1" in sent.stdout, added.stderr + sent.stdout
    with serve_archive(str(archive.db), env=once) as served:
        page.goto(served.url + "/alerts?status=failed")
        failed = page.locator("table.deliveries tbody tr")
        assert failed.count() == 1 and "HTTP 500" in failed.first.inner_text()
        page.click("table.deliveries button:has-text('Retry')")
        page.wait_for_url("**/alerts?done=*")
        note = page.locator(".done").inner_text()
        page.goto(served.url + "/alerts?watchlist=hubei-ai")
        states = page.locator("table.deliveries td.status").all_inner_texts()

    assert "sent 1, will retry 0, failed 0" in note
    assert set(states) == {"sent"}
    assert len(webhook_receiver.requests) == len(states) + 1  # the refused one, then again
    assert _cli(archive, "alerts", "failed").stdout.strip() == "no failed deliveries"


def _post(url: str, path: str, token: str | None = None) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url + path, data=b"", method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def test_a_failed_delivery_is_sent_again_through_the_json_api(demo_archive, tmp_path,
                                                              webhook_receiver):
    """``POST /api/alerts/{id}/retry`` is the retry button for scripts: with the server's
    token as Bearer it sends the delivery again and says what came of it; without the
    token it is refused; a delivery that is not failed (any more) is a 400 line."""
    archive = _archive(demo_archive, tmp_path)
    webhook_receiver.statuses = [500]
    once = {"PROVWATCH_ALERT_MAX_ATTEMPTS": "1"}
    _cli(archive, "watch", "add", "hubei-ai", "--province", "hubei", "--sector", "ai",
         "--webhook", webhook_receiver.url, "--backfill-days", "3650")
    assert "failed 1" in _cli(archive, "alerts", "send", **once).stdout
    with serve_archive(str(archive.db), "--host", "0.0.0.0",
                       env={**once, "PROVWATCH_WEB_TOKEN": TOKEN}) as served:
        url = f"http://127.0.0.1:{urlsplit(served.url).port}"
        listed = urllib.request.Request(url + "/api/alerts?status=failed",
                                        headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(listed, timeout=60) as response:
            (failed,) = json.loads(response.read())["deliveries"]
        path = f"/api/alerts/{failed['id']}/retry"
        refused = [_post(url, path), _post(url, path, "not-the-token-at-all")]
        status, outcome = _post(url, path, TOKEN)
        again = _post(url, path, TOKEN)
        schema = json.loads(urllib.request.urlopen(urllib.request.Request(
            url + "/api/openapi.json", headers={"Authorization": f"Bearer {TOKEN}"}),
            timeout=60).read())

    assert [s for s, _ in refused] == [401, 401]
    assert status == 200
    assert outcome == {"delivery": failed["id"], "queued": 1, "sent": 1, "retrying": 0,
                       "failed": 0, "messages": []}, outcome
    assert again[0] == 400 and again[1]["error"].startswith(
        f"no failed delivery with id {failed['id']}")
    assert "post" in schema["paths"]["/api/alerts/{delivery_id}/retry"]
    assert _cli(archive, "alerts", "failed").stdout.strip() == "no failed deliveries"


def test_a_bad_query_value_is_one_line_and_an_unknown_watchlist_a_404(served_demo):
    def get(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(served_demo.url + path, timeout=30) as response:
                return response.status, response.read().decode("utf-8-sig")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    status, body = get("/api/alerts?status=bogus")
    csv_status, csv_body = get("/alerts.csv?limit=lots")
    missing, page_body = get("/watchlists/no-such-list")

    assert status == 400 and json.loads(body) == {
        "error": "status: 'bogus' is not one of pending, sending, sent, failed"}
    assert csv_status == 400 and csv_body == "limit: 'lots' is not a whole number\n"
    assert missing == 404 and "no watchlist named &#39;no-such-list&#39;" in page_body
    assert "Traceback" not in body + csv_body + page_body
