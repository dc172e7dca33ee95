"""The web application (Starlette): personal pages, signed "klar" links, agenda items.

Every GET only shows: mail scanners (Safe Links, Defender) open every link in a message,
so a link opens a page whose button POSTs. Every POST carries a form token made for the
page it came from and must come from this site. Unknown tokens and bad links are
counted per client and answered with the same plain page; too many get 429. The static
export (public pages, feeds) is served behind these routes when a folder is given, so one
process is enough for a demo; in production a web server serves the folder itself
(docs/deploy.md).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs

from anyio import CapacityLimiter
from anyio.to_thread import run_sync
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from calendars.assets import assets
from calendars.server import CONTENT_TYPES
from calendars.server import create_app as feed_app
from calendars.site import subscribe_links
from cycle import CycleError
from cycle.agenda import check_item
from cycle.decisions import MINUTES_STEPS, REPORTABLE, reportable
from cycle.links import LinkError, LinkExpired, verify_link
from cycle.load import DEFAULT_DEADLINE_LIMIT, coming_weeks, week_label
from cycle.status import ItemStatus, TaskGroup, task_group
from cycle.swedish import format_date, format_moment
from cycle.times import STOCKHOLM, local_date
from services.answers import (
    Decision,
    Done,
    TaskView,
    Undone,
    Visitor,
    decide,
    item_context,
    mark_done,
    new_link,
    overview_for_token,
    send_item,
    task_view,
    undo_done,
    undo_until,
    visitor,
    visitor_for_token,
)
from services.decisions import commissions_of_person, report_as_owner
from services.mailsink import read_message
from services.minutes import (
    add_commission_on_page,
    meeting_record,
    record_decision_on_page,
    remove_on_page,
)
from services.secret import link_key
from services.settings import Settings
from services.storage import current_version

from .pagecache import PageCache
from .publishing import FeedPublisher
from .security import RateLimit, SecurityHeaders, check_form_token, form_token, same_site

T = TypeVar("T")
MAX_BODY = 16 * 1024
LATER_SHOWN = 15  # the page lists the next tasks; the feed has them all
# the pages' one frame (base.html) is the exported pages' own
ENV = Environment(
    loader=ChoiceLoader(
        [PackageLoader("web", "templates"), PackageLoader("calendars", "templates")]
    ),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)
ENV.globals.update(private=True, body_class="form")  # pages behind a person's token
ENV.filters["datum"] = format_date
ENV.filters["tid"] = format_moment


def _last(closes: dt.datetime) -> str:
    """The last day (or moment) before ``closes``: a call that closes when a day begins
    is open "till och med" the day before, not "till … kl. 00.00"."""
    local = closes.astimezone(STOCKHOLM)
    if local.time() == dt.time(0):
        return format_date(local.date() - dt.timedelta(days=1))
    return format_moment(closes)


ENV.filters["sista"] = _last


class Refused(Exception):
    """A request that is answered with a plain Swedish page and a status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


KEEPERS_ONLY = "Sidan är till för den som sammankallar mötet eller skriver anteckningarna."
COMING_WEEKS = 8  # the weeks of a person's own load their page shows


def _page_when_missing(app: ASGIApp, page: bytes) -> ASGIApp:
    """The exported folder's plain 404 as the site's error page for a browser (a request
    that accepts HTML); calendar clients and scripts keep the plain one."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        accept = dict(scope.get("headers", ())).get(b"accept", b"")
        if scope["type"] != "http" or b"text/html" not in accept:
            await app(scope, receive, send)
            return
        replaced = False

        async def answer(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start" and message["status"] == 404:
                replaced = True
                headers = [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(page)).encode()),
                ]
                await send({"type": "http.response.start", "status": 404, "headers": headers})
                body = b"" if scope["method"] == "HEAD" else page
                await send({"type": "http.response.body", "body": body})
            elif not replaced:
                await send(message)

        await app(scope, receive, answer)

    return wrapped


def create_app(
    settings: Settings,
    *,
    clock: Callable[[], dt.datetime] | None = None,
    publish: Callable[[], object] | None = None,
    static_dir: Path | None = None,
    mail_dir: Path | None = None,
    behind_proxy: bool = False,
    write_limit: int = 60,
    guess_limit: int = 20,
    export_pause: float = 0,
    threads: int = 1,
) -> Starlette:
    """The application for ``settings``' database.

    Args:
        clock: the current moment (aware); the wall clock unless a test passes one.
        publish: exports the feeds after a write (in a background thread).
        static_dir: an exported folder to serve for every other path.
        mail_dir: the demo's mail sink folder, shown at ``/_/post/`` (demo only).
        behind_proxy: trust the last X-Forwarded-For entry as the client's address.
        write_limit: writes per client and minute.
        guess_limit: unknown tokens or bad links per client in ten minutes.
        export_pause: seconds between two exports under a stream of writes.
        threads: requests whose database work runs at once, in threads off the event
            loop (one by default: the work is mostly Python under one interpreter lock,
            and several threads only made the slowest answers slower; more capacity
            comes from more processes, ``arshjul web --workers``).
    """
    key = link_key(settings)
    now = clock or (lambda: dt.datetime.now(dt.UTC))
    publisher = FeedPublisher(publish, pause=export_pause) if publish is not None else None
    writes, guesses = RateLimit(write_limit, 60), RateLimit(guess_limit, 600)

    def client(request: Request) -> str:
        if behind_proxy and (forwarded := request.headers.get("x-forwarded-for")):
            return forwarded.rsplit(",", 1)[-1].strip()
        return request.client.host if request.client else "?"

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(ENV.get_template(name).render(**context), status_code=status)

    def refused(status: int, message: str) -> HTMLResponse:
        return page("message.html", status, title="Det gick inte", message=message)

    def behind_token(request: Request, find: Callable[[str], T | None]) -> tuple[str, T]:
        """What ``find`` gives for the path's token; unknown tokens count as guesses."""
        token = request.path_params["token"]
        who = client(request)
        if guesses.blocked(who):
            raise Refused(429, "För många försök. Vänta en stund och försök igen.")
        found = find(token)
        if found is None:
            guesses.allow(who)
            raise Refused(404, "Sidan finns inte. Länken kan ha bytts ut mot en ny.")
        return token, found

    def person_of(request: Request) -> tuple[str, Visitor]:
        return behind_token(request, partial(visitor_for_token, settings))

    def signed(request: Request) -> tuple[Any, Visitor]:
        who = client(request)
        if guesses.blocked(who):
            raise Refused(429, "För många försök. Vänta en stund och försök igen.")
        try:
            link = verify_link(key, request.path_params["link"], today=local_date(now()))
        except LinkError as error:
            guesses.allow(who)
            status = 410 if isinstance(error, LinkExpired) else 404
            raise Refused(status, str(error)) from None
        found = visitor(settings, link.person)
        if found is None:
            raise Refused(404, "Personen finns inte längre i årshjulet.")
        return link, found

    async def form(request: Request) -> dict[str, str]:
        """The posted fields, after the checks every write passes."""
        if not writes.allow(client(request)):
            raise Refused(429, "För många ändringar på kort tid. Vänta en minut.")
        host = request.headers.get("host", "")
        if not same_site(dict(request.headers), host):
            raise Refused(403, "Formuläret kom inte från den här webbplatsen.")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                raise Refused(413, "Det du skickade är för stort (högst 16 kB).")
        try:
            fields = {
                k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()
            }
        except UnicodeDecodeError:
            raise Refused(400, "Formuläret kunde inte läsas (teckenkodning).") from None
        if not check_form_token(key, request.url.path, fields.get("csrf", ""), now=time.time()):
            raise Refused(403, "Formuläret har gått ut. Ladda om sidan och försök igen.")
        return fields

    def csrf(path: str) -> str:
        return form_token(key, path, now=time.time())

    # The database work runs off the event loop, so the loop keeps accepting and reading
    # requests while a page is built; see ``threads`` for how many at once.
    limiter = CapacityLimiter(threads)

    async def off_loop(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await run_sync(partial(call, *args, **kwargs), limiter=limiter)

    def off_loop_page(
        page: Callable[[Request], Response],
    ) -> Callable[[Request], Awaitable[Response]]:
        """A page that only reads, as an endpoint whose work runs off the event loop."""

        async def endpoint(request: Request) -> Response:
            return await off_loop(page, request)

        return endpoint

    def changed() -> None:
        if publisher is not None:
            publisher.request()

    # -- a person's page ---------------------------------------------------------------
    kept = PageCache()

    def _person_page(request: Request) -> Response:
        moment = now()
        notice = request.query_params.get("klart")
        key = (request.path_params["token"], notice)
        body = kept.get(key, current_version(settings), moment)
        if body is None:
            body = _build_person_page(request, moment, notice)
        return HTMLResponse(body)

    def _build_person_page(request: Request, moment: dt.datetime, notice: str | None) -> bytes:
        token, view = behind_token(request, partial(overview_for_token, settings, now=moment))
        person = view.visitor
        today = local_date(moment)
        groups: dict[TaskGroup, list[dict[str, Any]]] = {g: [] for g in TaskGroup}
        base = f"/p/{token}/"
        for t, m in view.tasks:
            group = task_group(t.status, t.due, today)
            if group is None:
                continue
            groups[group].append(
                {
                    "task": t,
                    "meeting": m,
                    "done_path": f"{base}uppgifter/{t.id}/klar",
                    "undo_path": f"{base}uppgifter/{t.id}/angra",
                    "undo_until": undo_until(t.done_at) if t.done_at else None,
                    "can_undo": t.done_at is not None and undo_until(t.done_at) > moment,
                    # the minutes are written by recording the meeting's decisions
                    "record_path": f"{base}moten/{m.id}/beslut"
                    if t.step in MINUTES_STEPS and m.start <= moment
                    else None,
                }
            )
        later = len(groups[TaskGroup.LATER]) - LATER_SHOWN
        groups[TaskGroup.LATER] = groups[TaskGroup.LATER][:LATER_SHOWN]
        for rows in groups.values():
            for row in rows:
                row["csrf_done"] = csrf(row["done_path"])
                row["csrf_undo"] = csrf(row["undo_path"])
        webcal, https = subscribe_links(settings.public_url, f"p/{token}.ics")
        group_feeds = []
        for name, secret in view.groups:
            group_webcal, group_https = subscribe_links(settings.public_url, f"g/{secret}.ics")
            group_feeds.append({"name": name, "webcal": group_webcal, "https": group_https})
        meetings = [
            {
                "view": v,
                "call_open": v.window is not None and v.window.is_open(moment),
                "item_path": f"{base}moten/{v.meeting.id}/arende",
                "agenda_path": f"{base}moten/{v.meeting.id}/dagordning",
                "record_path": f"{base}moten/{v.meeting.id}/beslut"
                if v.coordinator and v.meeting.start <= moment
                else None,
            }
            for v in view.meetings
        ]
        rotate = f"{base}ny-lank"
        commissions = [
            {
                "view": c,
                "path": f"{base}uppdrag/{c.id}/rapport",
                "csrf": csrf(f"{base}uppdrag/{c.id}/rapport"),
            }
            for c in commissions_of_person(settings, person.key, now=moment)
        ]
        called = [v.meeting for v in view.meetings if v.role]
        weeks = coming_weeks(called, [t for t, _ in view.tasks], today, COMING_WEEKS)
        load = [
            {
                "week": week_label(monday),
                "from": format_date(monday),
                "tally": tally,
                "heavy": tally.deadlines > DEFAULT_DEADLINE_LIMIT,
            }
            for monday, tally in weeks
        ]
        body = (
            ENV.get_template("person.html")
            .render(
                person=person,
                groups=[(g, groups[g]) for g in TaskGroup if groups[g]],
                meetings=meetings,
                webcal=webcal,
                https=https,
                group_feeds=group_feeds,
                rotate=rotate,
                csrf_rotate=csrf(rotate),
                notice=notice,
                later=max(0, later),
                load=load,
                limit=DEFAULT_DEADLINE_LIMIT,
                commissions=commissions,
                statuses=[st.value for st in REPORTABLE],
            )
            .encode()
        )
        # a new day is a new page (changes_at), so the weeks shown move with the calendar
        kept.put(
            (token, notice), body, version=view.version, now=moment, until=view.changes_at(moment)
        )
        return body

    async def person_done(request: Request) -> Response:
        token, person = await off_loop(person_of, request)
        await form(request)
        outcome, _ = await off_loop(
            mark_done, settings, person=person.key, task=request.path_params["task"], now=now()
        )
        if outcome is Done.MARKED:
            changed()
        if outcome in (Done.NOT_YOURS, Done.UNKNOWN):
            raise Refused(404, "Uppgiften finns inte bland dina uppgifter.")
        return RedirectResponse(f"/p/{token}/?klart={outcome.name.lower()}", status_code=303)

    async def person_undo(request: Request) -> Response:
        token, person = await off_loop(person_of, request)
        await form(request)
        outcome, _ = await off_loop(
            undo_done, settings, person=person.key, task=request.path_params["task"], now=now()
        )
        if outcome is Undone.REOPENED:
            changed()
        if outcome is Undone.NOT_YOURS:
            raise Refused(404, "Uppgiften finns inte bland dina uppgifter.")
        return RedirectResponse(f"/p/{token}/?klart={outcome.name.lower()}", status_code=303)

    async def person_report(request: Request) -> Response:
        token, person = await off_loop(person_of, request)
        fields = await form(request)
        try:
            status = reportable(fields.get("status", ""))
        except ValueError:
            raise Refused(
                422, "Välj en status: ej påbörjat, pågår, klart eller avbrutet."
            ) from None
        text = fields.get("text", "").strip()
        if len(text) > 2000:
            raise Refused(422, "Redovisningen får vara högst 2 000 tecken.")
        try:
            saved = await off_loop(
                report_as_owner,
                settings,
                person.key,
                request.path_params["commission"],
                status,
                text,
                now=now(),
            )
        except LookupError:
            raise Refused(404, "Uppdraget finns inte bland dina uppdrag.") from None
        except CycleError as error:
            raise Refused(409, error.message) from None
        if saved:
            changed()
        notice = "rapporterat" if saved else "samma_rapport"
        return RedirectResponse(f"/p/{token}/?klart={notice}#uppdrag", status_code=303)

    async def person_rotate(request: Request) -> Response:
        _, person = await off_loop(person_of, request)
        await form(request)
        token = await off_loop(new_link, settings, person.key, now=now())
        changed()
        return RedirectResponse(f"/p/{token}/?klart=ny_lank", status_code=303)

    # -- "Markera som klar" from an e-mail ------------------------------------------------
    def _link_page(request: Request) -> Response:
        link, person = signed(request)
        return _link_view(request, person, task_view(settings, link.task, now=now()), None)

    def _link_view(
        request: Request, person: Visitor, with_task: TaskView | None, outcome: str | None
    ) -> Response:
        if with_task is None:
            raise Refused(404, "Uppgiften finns inte längre.")
        task, meeting = with_task
        path = request.url.path.removesuffix("/angra")
        undo = path + "/angra"
        return page(
            "done.html",
            person=person,
            task=task,
            meeting=meeting,
            outcome=outcome,
            path=path,
            csrf_done=csrf(path),
            undo=undo,
            csrf_undo=csrf(undo),
            undo_until=undo_until(task.done_at) if task.done_at else None,
            can_undo=task.done_at is not None and undo_until(task.done_at) > now(),
        )

    async def link_done(request: Request) -> Response:
        link, person = await off_loop(signed, request)
        await form(request)
        outcome, with_task = await off_loop(
            mark_done, settings, person=link.person, task=link.task, now=now()
        )
        if outcome is Done.NOT_YOURS:
            raise Refused(403, "Uppgiften ligger inte längre på dig.")
        if outcome is Done.MARKED:
            changed()
        return _link_view(request, person, with_task, outcome.name.lower())

    async def link_undo(request: Request) -> Response:
        link, person = await off_loop(signed, request)
        await form(request)
        outcome, with_task = await off_loop(
            undo_done, settings, person=link.person, task=link.task, now=now()
        )
        if outcome is Undone.NOT_YOURS:
            raise Refused(403, "Uppgiften ligger inte längre på dig.")
        if outcome is Undone.REOPENED:
            changed()
        return _link_view(request, person, with_task, outcome.name.lower())

    # -- agenda items ----------------------------------------------------------------------
    def _item_form(request: Request) -> Response:
        token, person = person_of(request)
        return _item_page(request, token, person, {}, None, None)

    def _item_page(
        request: Request,
        token: str,
        person: Visitor,
        values: dict[str, str],
        error: CycleError | None,
        sent: str | None,
        status: int = 200,
    ) -> Response:
        context = item_context(settings, request.path_params["meeting"], now=now())
        if context is None:
            raise Refused(404, "Mötet finns inte.")
        moment = now()
        open_ = context.window is not None and context.window.is_open(moment)
        mine = [i for i in context.items if i.submitted_by == person.key]
        return page(
            "item.html",
            status,
            person=person,
            token=token,
            context=context,
            open=open_,
            path=request.url.path,
            csrf=csrf(request.url.path),
            values=values,
            error=error,
            sent=sent,
            mine=mine,
            labels={s.value: s.label for s in ItemStatus},
        )

    async def item_send(request: Request) -> Response:
        token, person = await off_loop(person_of, request)
        fields = await form(request)
        return await off_loop(_item_send, request, token, person, fields)

    def _item_send(
        request: Request, token: str, person: Visitor, fields: dict[str, str]
    ) -> Response:
        context = item_context(settings, request.path_params["meeting"], now=now())
        if context is None:
            raise Refused(404, "Mötet finns inte.")
        try:
            draft = check_item(
                title=fields.get("titel", ""),
                description=fields.get("beskrivning", ""),
                presenter=fields.get("foredragande") or None,
                minutes=fields.get("minuter", ""),
                link=fields.get("lank", ""),
                presenters=[k for k, _ in context.presenters],
            )
            send_item(
                settings,
                person=person.key,
                meeting=context.meeting.id,
                draft=draft,
                now=now(),
            )
        except CycleError as error:
            return _item_page(request, token, person, fields, error, None, status=422)
        return _item_page(request, token, person, {}, None, draft.title)

    def _agenda_page_of(request: Request) -> Response:
        token, person = person_of(request)
        return _agenda_page(request, token, person, None)

    def _agenda_page(
        request: Request, token: str, person: Visitor, error: CycleError | None, status: int = 200
    ) -> Response:
        context = item_context(settings, request.path_params["meeting"], now=now())
        if context is None or context.window is None:
            raise Refused(404, "Mötet finns inte eller tar inte emot ärenden.")
        if person.key not in context.window.coordinators:
            raise Refused(403, "Sidan är till för den som sammankallar mötet.")
        return page(
            "agenda.html",
            status,
            person=person,
            token=token,
            context=context,
            path=request.url.path,
            csrf=csrf(request.url.path),
            error=error,
            begun=context.meeting.start <= now(),
            record_path=f"/p/{token}/moten/{context.meeting.id}/beslut",
            labels={s.value: s.label for s in ItemStatus},
        )

    async def agenda_decide(request: Request) -> Response:
        token, person = await off_loop(person_of, request)
        fields = await form(request)
        return await off_loop(_agenda_decide, request, token, person, fields)

    def _agenda_decide(
        request: Request, token: str, person: Visitor, fields: dict[str, str]
    ) -> Response:
        try:
            decision = Decision(fields.get("beslut", ""))
        except ValueError:
            raise Refused(400, "Okänt beslut.") from None
        try:
            if decide(
                settings,
                person=person.key,
                item=fields.get("arende", ""),
                decision=decision,
                reason=fields.get("skal", ""),
                now=now(),
            ):
                changed()
        except CycleError as error:
            return _agenda_page(request, token, person, error, status=422)
        return RedirectResponse(request.url.path, status_code=303)

    # -- the meeting's record: decisions and the assignments they give ---------------
    def _record_page_of(request: Request) -> Response:
        token, person = person_of(request)
        return _record_page(request, token, person)

    def _record_page(
        request: Request,
        token: str,
        person: Visitor,
        error: CycleError | None = None,
        values: dict[str, str] | None = None,
        status: int = 200,
    ) -> Response:
        moment = now()
        try:
            record = meeting_record(
                settings, request.path_params["meeting"], person.key, now=moment
            )
        except PermissionError:
            raise Refused(403, KEEPERS_ONLY) from None
        if record is None:
            raise Refused(404, "Mötet finns inte eller är inställt.")
        return page(
            "record.html",
            status,
            person=person,
            token=token,
            record=record,
            path=request.url.path,
            csrf=csrf(request.url.path),
            error=error,
            values=values or {},
            saved=request.query_params.get("sparat"),
        )

    async def record_post(request: Request) -> Response:
        token, person = await off_loop(person_of, request)
        fields = await form(request)
        return await off_loop(_record_post, request, token, person, fields)

    def _record_post(
        request: Request, token: str, person: Visitor, fields: dict[str, str]
    ) -> Response:
        meeting, action = request.path_params["meeting"], fields.get("atgard", "")
        try:
            if action == "beslut":
                record_decision_on_page(settings, person.key, meeting, fields, now=now())
            elif action == "uppdrag":
                add_commission_on_page(
                    settings, person.key, meeting, fields.get("beslut", ""), fields, now=now()
                )
            elif action == "ta-bort":
                remove_on_page(settings, person.key, meeting, fields.get("id", ""), now=now())
            else:
                raise Refused(400, "Okänd åtgärd.")
        except PermissionError:
            raise Refused(403, KEEPERS_ONLY) from None
        except LookupError:
            raise Refused(404, "Mötet eller beslutet finns inte.") from None
        except CycleError as error:
            return _record_page(request, token, person, error, fields, status=422)
        changed()
        anchor = {"beslut": "#beslut", "uppdrag": f"#b-{fields.get('beslut', '')}"}
        return RedirectResponse(
            f"{request.url.path}?sparat={action}{anchor.get(action, '')}", status_code=303
        )

    def asset(path: str, body: bytes) -> Route:
        kind = CONTENT_TYPES[Path(path).suffix].decode()

        async def endpoint(_: Request) -> Response:
            return Response(
                body, media_type=kind, headers={"cache-control": "public, max-age=3600"}
            )

        return Route(f"/{path}", endpoint)

    routes: list[Any] = [
        *(asset(path, body) for path, body in assets().items()),
        Route("/p/{token}/", off_loop_page(_person_page)),
        Route("/p/{token}/uppgifter/{task}/klar", person_done, methods=["POST"]),
        Route("/p/{token}/uppgifter/{task}/angra", person_undo, methods=["POST"]),
        Route("/p/{token}/ny-lank", person_rotate, methods=["POST"]),
        Route("/p/{token}/uppdrag/{commission}/rapport", person_report, methods=["POST"]),
        Route("/p/{token}/moten/{meeting}/arende", off_loop_page(_item_form)),
        Route("/p/{token}/moten/{meeting}/arende", item_send, methods=["POST"]),
        Route("/p/{token}/moten/{meeting}/dagordning", off_loop_page(_agenda_page_of)),
        Route("/p/{token}/moten/{meeting}/dagordning", agenda_decide, methods=["POST"]),
        Route("/p/{token}/moten/{meeting}/beslut", off_loop_page(_record_page_of)),
        Route("/p/{token}/moten/{meeting}/beslut", record_post, methods=["POST"]),
        Route("/klar/{link}", off_loop_page(_link_page)),
        Route("/klar/{link}", link_done, methods=["POST"]),
        Route("/klar/{link}/angra", link_undo, methods=["POST"]),
    ]
    if mail_dir is not None:
        folder = mail_dir

        def mailbox(_: Request) -> Response:
            messages = [
                (path.stem, *read_message(path)[:2]) for path in sorted(folder.glob("*.eml"))
            ]
            return page("mailbox.html", messages=messages)

        def mail(request: Request) -> Response:
            name = request.path_params["number"]
            path = folder / f"{name}.eml"
            if not name.isdigit() or not path.exists():
                raise Refused(404, "Meddelandet finns inte.")
            subject, to, body = read_message(path)
            return page("mail.html", subject=subject, to=to, body=Markup(body), number=name)

        routes += [Route("/_/post/", mailbox), Route("/_/post/{number}", mail)]
    if static_dir is not None:
        missing = ENV.get_template("message.html").render(
            title="Sidan finns inte",
            message="Adressen finns inte här. Börja på startsidan, Alla kalendrar.",
        )
        routes.append(Mount("/", app=_page_when_missing(feed_app(static_dir), missing.encode())))

    async def on_refused(_: Request, error: Exception) -> Response:
        assert isinstance(error, Refused)
        response = refused(error.status, error.message)
        if error.status == 429:
            response.headers["retry-after"] = "60"
        return response

    app = Starlette(routes=routes, exception_handlers={Refused: on_refused})
    app.add_middleware(SecurityHeaders)
    app.state.publisher = publisher
    return app
