"""`lessonpack serve`: a live preview in the browser while a teacher edits a lesson.

Runs the preview app (builder/preview/) with uvicorn on one address, watches the
lesson projects for saves, and stops cleanly on Ctrl-C (the KeyboardInterrupt reaches
the command line, which exits 130). Previews are built into a private temporary
folder, never into the project's dist/.
"""

from __future__ import annotations

import errno
import logging
import socket
import sys
import tempfile
import threading
import time
import webbrowser
from pathlib import Path

from ..errors import LessonError, Problem

log = logging.getLogger(__name__)

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def run(paths: list[Path], host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False):
    """Serve previews of the lessons and bundles under `paths` until Ctrl-C."""
    import uvicorn

    from .app import create_app
    from .builds import Previews

    _show_progress()
    _check_port(host, port)
    with tempfile.TemporaryDirectory(
        prefix="lessonpack-preview-", ignore_cleanup_errors=True
    ) as workdir:
        previews = Previews(paths, Path(workdir))
        server: uvicorn.Server | None = None
        app = create_app(
            previews,
            allowed_hosts=None if host in LOCAL_HOSTS else ["*"],
            stopping=lambda: server is not None and server.should_exit,
        )
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=2,
            lifespan="on",
        )
        server = uvicorn.Server(config)
        _when_started(server, lambda: _started(previews, host, port, open_browser))
        server.run()  # returns after Ctrl-C, then re-raises it as KeyboardInterrupt
        if not server.started:
            raise LessonError([Problem(Path(f"{host}:{port}"), "the preview could not start")])


def _url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def _announce(previews, host: str, port: int) -> None:
    lessons, bundles = len(previews.catalog.lessons()), len(previews.catalog.bundles())
    found = f"{lessons} lesson{'s' if lessons != 1 else ''}"
    if bundles:
        found += f" and {bundles} bundle{'s' if bundles != 1 else ''}"
    log.info(
        "Previewing %s at %s\nOpen it in your web browser; pages update each time you save.\n"
        "Press Ctrl-C to stop.",
        found,
        _url(host, port),
    )


def _check_port(host: str, port: int) -> None:
    """Say plainly that the port is taken, before uvicorn reports it in its own words."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            reason = (
                f"port {port} is already in use (is another lessonpack serve running?); "
                f"try --port {port + 1}"
                if exc.errno == errno.EADDRINUSE
                else f"cannot listen on {host}:{port}: {exc.strerror}"
            )
            raise LessonError([Problem(Path("lessonpack serve"), reason)]) from None


def _started(previews, host: str, port: int, open_browser: bool) -> None:
    _announce(previews, host, port)
    if open_browser:
        webbrowser.open(_url(host, port))


def _when_started(server, action) -> None:
    """Run `action` once the server listens (uvicorn starts the app before it binds)."""

    def wait() -> None:
        while not server.started:
            if server.should_exit:
                return
            time.sleep(0.05)
        action()

    threading.Thread(target=wait, name="lessonpack-started", daemon=True).start()


def _show_progress() -> None:
    """The command line prints only through logging here: show the preview's messages
    (where to point the browser, what was rebuilt) on stderr, unless already set up."""
    if logging.getLogger().handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in (__name__, "builder.preview"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
