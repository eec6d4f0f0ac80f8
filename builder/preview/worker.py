"""One background thread that runs jobs in order, awaitable from the server's event loop.

WeasyPrint and pdfium are not made for several threads at once, and a warm WeasyPrint
(fonts, parsed CSS) is what makes a rebuild quick, so each gets one thread of its own
for the life of the server. The thread is a daemon: a build still running when the
teacher presses Ctrl-C does not hold the exit (it writes only to the private folder).
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any


class Worker:
    def __init__(self, name: str):
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def submit(self, function: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        self._jobs.put((future, function, args))
        return future

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.wrap_future(self.submit(function, *args))

    def _loop(self) -> None:
        while True:
            future, function, args = self._jobs.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(function(*args))
            except BaseException as exc:  # handed to whoever awaits the job
                future.set_exception(exc)
