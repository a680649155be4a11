"""The `tracker` command tree: a thin typer wrapper over the core. Heavy modules load inside commands."""


import sys
from typing import Any

import typer
from typer.core import TyperGroup

from tracker.cli import guard, quick, zh

zh.install()

# typer may bundle its own click; reach its exception classes through typer's public names.
UsageError: type[Exception] = typer.BadParameter.__mro__[1]
ClickException: type[Exception] = UsageError.__mro__[1]

CLICK_MESSAGES = [
    ("No such option", "未知选项"),
    ("No such command", "未知命令"),
    ("Missing argument", "缺少参数"),
    ("Missing option", "缺少选项"),
    ("Invalid value for", "参数值无效"),
    ("Got unexpected extra argument", "多余的参数"),
    ("requires an argument", "需要一个值"),
    ("Option", "选项"),
    ("is not one of", "不是可选值之一"),
    ("is not a valid integer", "不是有效的整数"),
    ("is not a valid float", "不是有效的数字"),
    ("is not a valid int.", "不是有效的整数"),
    ("is not a valid int", "不是有效的整数"),
    ("is not a valid boolean", "不是有效的是/否值"),
    ("Input should be a valid integer, unable to parse string as an integer", "应为整数"),
    ("Input should be a valid number, unable to parse string as a number", "应为数字"),
    ("Input should be a valid integer", "应为整数"),
    ("Input should be a valid number", "应为数字"),
    ("Did you mean", "是否想用"),
]


def chinese_click_message(message: str) -> str:
    for en, cn in CLICK_MESSAGES:
        message = message.replace(en, cn)
    return message


class ChineseGroup(TyperGroup):
    """Runs the CLI and turns every user error into a Chinese message and exit code 2."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs["standalone_mode"] = False
        zh.translate_params(self.params)
        guard.run(lambda: self._main_in_chinese(*args, **kwargs))

    def _main_in_chinese(self, *args: Any, **kwargs: Any) -> Any:
        """Click's main, its usage errors and aborts turned into Chinese messages and exit codes."""
        try:
            return super().main(*args, **kwargs)
        except UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":
                sys.stdout.write(exc.format_message() + "\n")  # type: ignore[attr-defined]
                sys.exit(0)
            ctx = getattr(exc, "ctx", None)
            hint = f"\n查看帮助：{ctx.command_path} --help" if ctx else ""
            guard.error(chinese_click_message(exc.format_message()) + hint)  # type: ignore[attr-defined]
            sys.exit(2)
        except typer.Abort:
            guard.error("已中止")
            sys.exit(1)
        except ClickException as exc:
            guard.error(chinese_click_message(exc.format_message()))  # type: ignore[attr-defined]
            sys.exit(getattr(exc, "exit_code", 1))


def _new_app() -> typer.Typer:
    return typer.Typer(
        cls=ChineseGroup,
        help="tracker：把半年工作计划变成可跟踪的督办任务（导入、进展、红黄绿状态、提醒、报告）。",
        no_args_is_help=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        add_completion=True,
        context_settings={"help_option_names": ["-h", "--help"]},
    )


def _version(value: bool) -> None:
    if value:
        from tracker import __version__

        sys.stdout.write(f"tracker {__version__}\n")
        raise typer.Exit()


def root(
    ctx: typer.Context,
    db: str = typer.Option(None, "--db", metavar="地址或路径",
                           help="数据库地址或 SQLite 文件路径（覆盖 TRACKER_DB 与配置文件）"),
    config: str = typer.Option(None, "--config", metavar="文件",
                               help="配置文件路径（默认：TRACKER_CONFIG 或当前目录的 config.toml）"),
    today: str = typer.Option(None, "--today", metavar="日期",
                              help="把“今天”固定为某日（YYYY-MM-DD），便于复现；也可用 TRACKER_TODAY"),
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                 help="显示版本并退出"),
) -> None:
    ctx.obj = {"db": db, "config": config, "today": today}


def context(ctx: typer.Context, create: bool = False) -> Any:
    """The core Context for this invocation (config read and database opened lazily).

    ``create``: this command may create the database (init, plan import); others refuse a
    missing one.
    """
    from tracker.context import Context

    root_ctx = ctx.find_root()
    cached = root_ctx.meta.get("tracker.context")
    if cached is None:
        opts = root_ctx.obj or {}
        cached = Context.load(opts.get("config"), opts.get("db"), opts.get("today"))
        root_ctx.meta["tracker.context"] = cached
        root_ctx.call_on_close(cached.close)
    if create:
        cached.create = True
    return cached


# Sub-apps in the order `tracker --help` lists them (misc's top-level commands come after db).
# Each sub-app's help line is here, not in its module, so that `tracker --help` lists them all
# without importing the nine modules (and building their hundred options) just to read a line.
GROUPS = {
    "task": "任务：新增、列表、查看、记录进展、完成、修改、撤销或调整",
    "unit": "单位：新增、列表、改名、合并、别名",
    "db": "数据库：升级、备份",
    "plan": "计划：解析与导入半年工作计划文档，查看或删除已导入的计划",
    "report": "报告：督办周报、年度（半年）计划完成情况总结（终端、Markdown、HTML、Word、Excel）",
    "scheduler": "调度器：按计划自动推送逾期提醒与每周汇总（守护进程、任务列表、立即运行）",
    "notify": "通知：发送逾期提醒与每周汇总、测试通知渠道、查看发送记录",
    "outcome": "对账：用年终总结（或次年政府工作报告）对照计划指标，找出完成、未完成和未提及的指标",
    "form": "填报：导出各单位填报表、导入填好的表、查看报送情况",
}
MISC = ("init", "board", "undo", "log")
ROOT_VALUE_OPTIONS = tuple(quick.ROOT)  # the root callback's options that take a value


def build(only: str | None = None, outline: bool = False, command: str | None = None) -> typer.Typer:
    """The command tree: every command, or with ``only`` just that sub-app or top-level command,
    and with ``command`` just that command of the sub-app.

    Typer turns every registered function into a click command on each run (≈ 60 signatures
    read); a run of `tracker task show` needs only the `show` command of the `task` group, so
    ``main`` builds that. With ``outline`` (`tracker --help`) the sub-apps are empty groups with
    their help line: the root help lists them the same way without reading their commands.
    """
    import importlib

    app = _new_app()
    app.callback()(root)
    for name in GROUPS:
        if outline:
            app.add_typer(typer.Typer(), name=name, help=GROUPS[name])
        elif only in (None, name):
            module = importlib.import_module(f"tracker.cli.{name}")
            app.add_typer(_with_only(module.app, command if only == name else None), name=name, help=GROUPS[name])
        if name == "db" and only in (None, *MISC):
            from tracker.cli import misc

            misc.register(app)
    return app


def _with_only(sub: typer.Typer, command: str | None) -> typer.Typer:
    """``sub`` with just ``command`` when that names one of its commands; otherwise all of them
    (the group's help and its suggestions for a mistyped command list every one)."""
    if command is None:
        return sub
    from typer.main import get_command_name

    keep = [c for c in sub.registered_commands
            if (c.name or (c.callback and get_command_name(c.callback.__name__))) == command]
    if not keep:
        return sub
    import copy

    slim = copy.copy(sub)
    slim.registered_commands = keep
    return slim


def command_words(argv: list[str]) -> tuple[str | None, str | None]:
    """The sub-app or top-level command named on the command line, if it is one of ours, and
    the word after it (the sub-app's command, when no option comes first)."""
    skip = False
    for i, arg in enumerate(argv):
        if skip:
            skip = False
        elif arg in ROOT_VALUE_OPTIONS:
            skip = True
        elif arg.startswith("-"):
            if arg.split("=", 1)[0] not in ROOT_VALUE_OPTIONS:
                return None, None  # --help, --version, completion: the whole tree
        else:
            if arg not in GROUPS and arg not in MISC:
                return None, None
            after = argv[i + 1] if i + 1 < len(argv) and not argv[i + 1].startswith("-") else None
            return arg, after
    return None, None


_full: typer.Typer | None = None


def __getattr__(name: str) -> Any:
    """``tree.app`` (and ``tracker.cli.app``): the whole command tree (tests, completion), built on first use."""
    global _full
    if name == "app":
        if _full is None:
            _full = build()
        return _full
    raise AttributeError(name)


def main() -> None:
    from tracker.entry import ROOT_HELP_ARGS, completing

    complete = completing()
    args = sys.argv[1:]
    if not complete and args in ROOT_HELP_ARGS:
        build(outline=True)()
    else:
        only, command = (None, None) if complete else command_words(args)
        build(only, command=command)()
