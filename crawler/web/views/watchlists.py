"""Watchlists and alerts: list, create, edit (rename) and test watchlists (forms under the
app's CSRF protection, checked as `provwatch watch import` checks a file); recent deliveries and
failures, a failed one sent again with a POST (the page's form, or the JSON API's
``POST /api/alerts/{id}/retry``). Channels hold webhook URLs and tokens: they are only
ever shown redacted."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from provwatch.crawler.errors import ProvwatchError
from provwatch.crawler.services import watchlist_forms
from provwatch.crawler.web import params
from provwatch.crawler.web.context import config_of
from provwatch.crawler.web.errors import NotFound
from provwatch.crawler.web.render import page
from provwatch.crawler.web.tables import Table, csv_response, rows_of

router = APIRouter()
WATCHLIST_COLUMNS = ("name", "matches", "when", "channels", "created_at")
DELIVERY_COLUMNS = ("id", "watchlist", "status", "attempts", "channel", "story_id", "title",
                    "last_error", "created_at", "sent_at")
EMPTY_FORM = {"name": "", "scope": "about", "min_copies": "1", "backfill_days": "0",
              "language": "en", "schedule": "", "quiet_hours": "", "channels": "",
              **{k: "" for k in watchlist_forms.LIST_FIELDS}}


def _spec(config: Any, name: str) -> Any:
    """The stored watchlist ``name``; a 404 when there is none."""
    try:
        return watchlist_forms.find(config, name)
    except ProvwatchError as e:
        raise NotFound(str(e)) from None


def _home(name: str) -> str:
    return "/watchlists/" + quote(name, safe="")


@router.get("/watchlists", response_class=HTMLResponse, include_in_schema=False)
def watchlists_page(request: Request) -> HTMLResponse:
    return page(request, "watchlists.html", title="Watchlists",
                watchlists=watchlist_forms.summaries(config_of(request)),
                done=request.query_params.get("done"))


@router.get("/watchlists.csv", include_in_schema=False)
def watchlists_csv(request: Request) -> Response:
    rows = watchlist_forms.summaries(config_of(request))
    return csv_response(Table("watchlists", WATCHLIST_COLUMNS,
                              rows_of(rows, WATCHLIST_COLUMNS)))


@router.get("/api/watchlists", summary="Watchlists: what each matches, when and where it "
            "sends (channels redacted)")
def watchlists_api(request: Request) -> dict[str, Any]:
    """Every watchlist with its criteria as a watch-file entry (without channels), a
    readable summary, and its channels with their tokens hidden."""
    return {"watchlists": watchlist_forms.summaries(config_of(request))}


def _form_page(request: Request, values: dict[str, Any], error: str | None = None,
               editing: str | None = None, status_code: int = 200) -> HTMLResponse:
    return page(request, "watchlist_form.html", status_code=status_code,
                title=f"Edit {editing}" if editing else "New watchlist", form=values,
                error=error, editing=editing)


@router.get("/watchlists/new", response_class=HTMLResponse, include_in_schema=False)
def new_form(request: Request) -> HTMLResponse:
    """An empty form; a search's "save as watchlist" fills it from its query string."""
    q = request.query_params
    values = {**EMPTY_FORM, **{k: q.get(k) for k in EMPTY_FORM if q.get(k)}}
    return _form_page(request, values)


def _text(form: Any) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


@router.post("/watchlists", response_class=HTMLResponse, include_in_schema=False)
async def create(request: Request) -> Response:
    form = await request.form()
    values = _text(form)
    try:
        spec, owed, warnings = watchlist_forms.create(config_of(request), values)
    except ProvwatchError as e:
        return _form_page(request, {**EMPTY_FORM, **values}, str(e), status_code=400)
    done = f"watchlist {spec.name!r} added" + (f"; {owed} alerts owed" if owed else "")
    done += "".join(f"; warning: {w}" for w in warnings)
    return RedirectResponse(f"{_home(spec.name)}?done={quote(done)}", status_code=303)


@router.get("/watchlists/{name}", response_class=HTMLResponse, include_in_schema=False)
def watchlist_page(request: Request, name: str) -> HTMLResponse:
    config = config_of(request)
    spec = _spec(config, name)
    return page(request, "watchlist.html", title=name, name=name,
                form=watchlist_forms.form_values(spec),
                deliveries=watchlist_forms.deliveries(config, watchlist=name, limit=50),
                done=request.query_params.get("done"), results=None)


@router.post("/watchlists/{name}", response_class=HTMLResponse, include_in_schema=False)
async def edit(request: Request, name: str) -> Response:
    form = await request.form()
    values = _text(form)
    keep = [k for k in form.getlist("keep_channel") if isinstance(k, str)]
    try:
        spec, warnings = watchlist_forms.edit(config_of(request), name, values, keep)
    except ProvwatchError as e:
        stored = watchlist_forms.form_values(_spec(config_of(request), name))
        return _form_page(request, {**stored, **values, "name": values.get("name") or name},
                          str(e), editing=name, status_code=400)
    done = f"watchlist {name!r} saved" + (
        f" as {spec.name!r}" if spec.name != name else "") + "".join(
        f"; warning: {w}" for w in warnings)
    return RedirectResponse(f"{_home(spec.name)}?done={quote(done)}", status_code=303)


@router.get("/watchlists/{name}/edit", response_class=HTMLResponse, include_in_schema=False)
def edit_form(request: Request, name: str) -> HTMLResponse:
    spec = _spec(config_of(request), name)
    return _form_page(request, watchlist_forms.form_values(spec), editing=name)


@router.post("/watchlists/{name}/test", response_class=HTMLResponse, include_in_schema=False)
def test(request: Request, name: str) -> HTMLResponse:
    config = config_of(request)
    results = watchlist_forms.test(config, name)
    return page(request, "watchlist.html", title=name, name=name,
                form=watchlist_forms.form_values(_spec(config, name)),
                deliveries=watchlist_forms.deliveries(config, watchlist=name, limit=50),
                done=None, results=results)


def _deliveries(request: Request) -> list[dict[str, Any]]:
    q = request.query_params
    return watchlist_forms.deliveries(
        config_of(request), status=params.choice("status", q.get("status"),
                                                 watchlist_forms.DELIVERY_STATES, "") or None,
        watchlist=(q.get("watchlist") or "").strip() or None,
        limit=params.whole("limit", q.get("limit"), 100, 1, 2000))


@router.get("/alerts", response_class=HTMLResponse, include_in_schema=False)
def alerts_page(request: Request) -> HTMLResponse:
    return page(request, "alerts.html", title="Alerts", deliveries=_deliveries(request),
                states=watchlist_forms.DELIVERY_STATES, done=request.query_params.get("done"))


@router.get("/alerts.csv", include_in_schema=False)
def alerts_csv(request: Request) -> Response:
    return csv_response(Table("deliveries", DELIVERY_COLUMNS,
                              rows_of(_deliveries(request), DELIVERY_COLUMNS)))


@router.get("/api/alerts", summary="Recent deliveries of alerts, newest first")
def alerts_api(request: Request, status: str | None = None, watchlist: str | None = None,
               limit: int = 100) -> dict[str, Any]:
    """Deliveries (pending, sending, sent, failed) with their watchlist, story, attempts
    and last error; channels and errors with their tokens hidden."""
    return {"deliveries": _deliveries(request)}


@router.post("/alerts/{delivery_id}/retry", include_in_schema=False)
def retry(request: Request, delivery_id: int) -> RedirectResponse:
    """Send a failed delivery again now; the outcome comes back as the alerts page's note."""
    r = watchlist_forms.retry(config_of(request), delivery_id)
    done = (f"delivery {delivery_id} sent again: sent {r['sent']}, will retry "
            f"{r['retrying']}, failed {r['failed']}")
    done += "".join(f"; {m}" for m in r["messages"])
    return RedirectResponse(f"/alerts?done={quote(done)}", status_code=303)


@router.post("/api/alerts/{delivery_id}/retry",
             summary="Send a failed delivery again now (`provwatch alerts retry ID`)")
def retry_api(request: Request, delivery_id: int) -> dict[str, Any]:
    """Make the failed delivery pending again with a fresh attempt count and run one
    dispatch pass: how many were queued (1) and what came of the pass (sent, will retry,
    failed; messages with their tokens hidden). A delivery that is not a failed one is a
    400 with one line. A POST like every form: a script sends the access token as
    ``Authorization: Bearer TOKEN`` (with no token set, any Bearer value; the CSRF check
    does not apply to it), a page the CSRF token."""
    return {"delivery": delivery_id, **watchlist_forms.retry(config_of(request), delivery_id)}
