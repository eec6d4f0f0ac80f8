"""The preview's web routes (Starlette): the lesson list, a lesson's pages, its PDFs and
web page, page images, and a stream of "it changed" events for the open page.

Nothing is served by joining a URL onto a folder: PDFs and page images are looked up
by name in the latest build, the --html files by their name in that build's list of
outputs (then checked to lie in the private build folder), and the preview's own
script and stylesheet from a fixed list. Lesson files are only read to quote the line
of a problem, through the same path check as every other read (SPEC §6).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response, StreamingResponse
from starlette.routing import Route

from ..project.paper_names import DEFAULT_PAPER, PAPERS, paper_label
from ..sandbox import Refused, checked_path
from .builds import INDEX, Previews
from .catalog import Target
from .present import browser_state, describe, shown_documents
from .snapshots import Snapshot

HERE = Path(__file__).parent
ASSETS = {"preview.js": "text/javascript", "preview.css": "text/css"}
UI_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# A lesson's web page comes from project templates, which may hold any markup: it gets
# no scripts and an origin of its own.
WEB_POLICY = (
    "sandbox; default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:"
)
KEEPALIVE_SECONDS = 15


def create_app(
    previews: Previews,
    *,
    allowed_hosts: list[str] | None = None,
    stopping: Callable[[], bool] = lambda: False,
    watch_files: bool = True,
    on_ready: Callable[[], None] | None = None,
) -> Starlette:
    """The app. `allowed_hosts` guards against DNS rebinding (None: loopback names only);
    `stopping` ends the event streams when the server shuts down; `watch_files` follows
    saves (watch.py) from startup to shutdown."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        from .watch import watch

        await previews.start()
        stop = asyncio.Event()
        watcher = asyncio.create_task(watch(previews, stop)) if watch_files else None
        if on_ready is not None:
            on_ready()
        yield
        stop.set()
        if watcher is not None:
            watcher.cancel()
        previews.close()

    pages = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def html(name: str, status: int = 200, **context) -> HTMLResponse:
        body = pages.get_template(name).render(**context)
        return HTMLResponse(body, status, headers={"Content-Security-Policy": UI_POLICY})

    def not_found(message: str) -> HTMLResponse:
        return html("missing.html", 404, message=message, title="Not found")

    async def index(request: Request) -> Response:
        catalog = previews.catalog
        return html(
            "index.html",
            title="Lessons",
            lessons=catalog.lessons(),
            bundles=catalog.bundles(),
            # With nothing found, the page's own "no lessons yet" says it better.
            problems=[describe(p, None) for p in catalog.problems] if catalog.targets else [],
        )

    async def preview(request: Request) -> Response:
        target, paper = _target(request)
        if target is None:
            return not_found("There is no lesson or bundle of that name here.")
        snapshot = await previews.snapshot(target.key, paper)
        if snapshot is None:
            return not_found("That lesson or bundle is gone: its folder was moved or deleted.")
        state = browser_state(target, paper, snapshot, building=False)
        shown = shown_documents(state["documents"], request.query_params.get("show", "both"))
        return html(
            "preview.html",
            title=state["title"],
            target=target,
            paper=paper,
            papers=[(name, paper_label(name)) for name in PAPERS],
            state=state,
            shown=shown,
            show=request.query_params.get("show", "both"),
        )

    async def download(request: Request) -> Response:
        snapshot = await _latest(request)
        name = request.path_params["document"]
        documents = snapshot.documents if snapshot else ()
        document = next((d for d in documents if d.name == name), None)
        data = previews.images.pdf(document.digest) if document else None
        if data is None:
            return not_found("There is no such PDF in this lesson's preview.")
        return Response(
            data,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{document.filename}"'},
        )

    async def web(request: Request) -> Response:
        snapshot = await _latest(request)
        path = snapshot.web.get(request.path_params["file"]) if snapshot else None
        if path is None:
            return not_found("No such file in this lesson's web page.")
        try:
            checked = checked_path(path, [previews.workdir])
        except Refused:
            return not_found("No such file in this lesson's web page.")
        return FileResponse(checked, headers={"Content-Security-Policy": WEB_POLICY})

    async def page_image(request: Request) -> Response:
        png = await previews.images.png(request.path_params["digest"], request.path_params["n"])
        if png is None:
            return Response("no such page", 404)
        return Response(
            png, media_type="image/png", headers={"Cache-Control": "max-age=86400, immutable"}
        )

    async def state_json(request: Request) -> Response:
        target, paper = _target(request)
        snapshot = await _latest(request)
        if snapshot is None:
            return Response("{}", 404, media_type="application/json")
        return Response(
            json.dumps(browser_state(target, paper, snapshot, False)), media_type="application/json"
        )

    async def events(request: Request) -> Response:
        key = request.query_params.get("target", INDEX)
        paper = request.query_params.get("paper") if key != INDEX else None
        target = previews.catalog.targets.get(key)
        if key != INDEX and (target is None or paper not in PAPERS):
            return Response("no such preview", 404)
        listener = previews.subscribe(key, paper)
        if target is not None:  # catch up on a change made while the page was loading
            listener.put_nowait("state")
            if previews.current(key, paper) is None or previews.building(key, paper):
                previews.refresh_soon(key, paper)

        async def stream():
            try:
                yield "retry: 1000\n\n"
                idle = 0.0
                while not stopping():
                    try:
                        event = await asyncio.wait_for(listener.get(), 0.5)
                    except TimeoutError:
                        idle += 0.5
                        if idle >= KEEPALIVE_SECONDS:
                            idle = 0.0
                            yield ": still here\n\n"
                        continue
                    yield _event(event, previews, key, paper)
            finally:
                previews.unsubscribe(listener, key, paper)

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:
            return Response("not found", 404)
        return Response((HERE / "static" / name).read_bytes(), media_type=ASSETS[name])

    async def _latest(request: Request) -> Snapshot | None:
        """The preview named by the URL, rebuilt first if a file it uses changed."""
        target, paper = _target(request)
        return await previews.snapshot(target.key, paper) if target else None

    def _target(request: Request) -> tuple[Target | None, str]:
        kind, name = request.path_params["kind"], request.path_params["name"]
        target = previews.catalog.targets.get(f"{kind}/{name}")
        default = target.paper if target else DEFAULT_PAPER
        paper = request.path_params.get("paper") or request.query_params.get("paper", default)
        return (target if paper in PAPERS else None), paper

    routes = [
        Route("/", index),
        Route("/events", events),
        Route("/_preview/{name}", asset),
        Route("/page/{digest}/{n:int}.png", page_image),
        Route("/{kind}/{name}", preview),
        Route("/{kind}/{name}/{paper}/state.json", state_json),
        Route("/{kind}/{name}/{paper}/{document}.pdf", download),
        Route("/{kind}/{name}/{paper}/web/{file:path}", web),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(_HostCheck, allowed=allowed_hosts)
    return app


def _event(event: str, previews: Previews, key: str, paper: str | None) -> str:
    data: dict = {}
    if event in ("state", "building") and paper is not None:
        target = previews.catalog.targets.get(key)
        snapshot = previews.current(key, paper)
        if target is not None and snapshot is not None:
            data = browser_state(target, paper, snapshot, previews.building(key, paper))
        else:
            data = {"building": True}
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


class _HostCheck:
    """Refuse requests whose Host header names another site: a web page elsewhere
    cannot read lessons through DNS rebinding."""

    LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})

    def __init__(self, app, allowed: list[str] | None):
        self.app = app
        self.allowed = None if allowed == ["*"] else self.LOOPBACK | set(allowed or [])

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and self.allowed is not None:
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
            name = host[1:].split("]")[0] if host.startswith("[") else host.split(":")[0]
            if name not in self.allowed:
                await Response("unknown host", 400)(scope, receive, send)
                return
        await self.app(scope, receive, send)
