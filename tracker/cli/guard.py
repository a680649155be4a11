"""How a command ends: an error as a Chinese message and its exit code, else the command's exit
code. Typer's tree (``tree.ChineseGroup``) and the quick path (``quick``) both end this way."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from tracker.errors import TrackerError


def run(command: Callable[[], Any]) -> NoReturn:
    """Run ``command`` and exit: 0, the int it returned, or the code of the error it raised.

    Usage errors (click's) are the caller's to catch inside ``command``; what reaches here is
    ours (TrackerError), an interrupt, or a bug, which says so unless TRACKER_DEBUG=1.
    """
    try:
        rv = command()
    except TrackerError as exc:
        error(exc.message)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        error("已中止")
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("TRACKER_DEBUG") == "1":
            raise
        error(f"内部错误：{type(exc).__name__}: {exc}\n（请把此信息反馈给维护者；设置 TRACKER_DEBUG=1 可查看完整堆栈）")
        sys.exit(1)
    if isinstance(rv, int) and not isinstance(rv, bool):
        sys.exit(rv)
    sys.exit(0)


def error(message: str) -> None:
    """Print an error message for the user (standard error)."""
    from tracker.cli import render

    render.error(message)
