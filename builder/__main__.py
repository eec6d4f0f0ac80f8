"""The `lessonpack` command's entry point (also `python -m builder`).

It does two things before the command line is imported, so that Ctrl-C stops
lessonpack with exit status 130 whenever it arrives, starting up included:
- it turns SIGINT handling back on when the parent process started lessonpack with
  SIGINT ignored (some shells and test runners do): every command stops on Ctrl-C;
- it turns a Ctrl-C that arrives while the command line is still being imported into
  exit status 130 instead of a traceback.
"""

from __future__ import annotations

import signal


def main() -> None:
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        from .cli import main as cli_main
    except BaseException as exc:  # Ctrl-C itself, or wrapped by an import-time hook
        from .errors import caused_by_interrupt

        if caused_by_interrupt(exc):
            raise SystemExit(130) from None
        raise
    cli_main()


if __name__ == "__main__":
    main()
