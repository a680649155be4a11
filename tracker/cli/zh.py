"""Click's and typer's own words (help headings, usage errors) in Chinese.

Both libraries look their messages up through ``gettext`` functions bound at import time in each
module; ``install`` rebinds those names to a lookup in the table below (anything not in it stays
as written). No catalogue files, nothing loaded beyond a dict.
"""

from __future__ import annotations

import sys
from typing import Any

from tracker.width import char_width

ZH = {
    "Usage:": "用法：",
    "Options": "选项",
    "Arguments": "参数",
    "Commands": "命令",
    "required": "必填",
    "[required]": "[必填]",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "deprecated": "已弃用",
    "Show this message and exit.": "显示此帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "Aborted!": "已中止",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "查看帮助：{command} {option}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "未知命令 {name!r}。",
    "No such option {name!r}.": "未知选项 {name!r}。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Did you mean {possibility}?": "是否想用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想用其中之一：{possibilities}？）",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是可选值之一：{choices}。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的是/否值，可用：{states}",
    "integer": "整数",
    "float": "数字",
    "Do you want to continue?": "是否继续？",
    "Repeat for confirmation": "再输入一次以确认",
    "Install completion for the current shell.": "为当前 shell 安装命令补全。",
    "Show completion for the current shell, to copy it or customize the installation.":
        "显示当前 shell 的补全脚本，可复制或自行安装。",
}

_CLICK = ("core", "types", "exceptions", "decorators", "parser", "formatting", "termui", "shell_completion")
# typer 0.2x carries its own copy of click as typer._click; a separately installed click is covered too.
MODULES = (*(f"typer._click.{m}" for m in _CLICK), *(f"click.{m}" for m in _CLICK),
           "typer.core", "typer.main", "typer.params", "typer.completion", "typer._completion_shared")


def gettext(message: str) -> str:
    return ZH.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def install() -> None:
    """Rebind the gettext names of the click and typer modules already imported; for typer's own
    copy of click, whose words are written in place, put Chinese in at the few spots users see."""
    for name in MODULES:
        module: Any = sys.modules.get(name)
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
    for prefix in ("typer._click", "click"):
        core: Any = sys.modules.get(f"{prefix}.core")
        formatting: Any = sys.modules.get(f"{prefix}.formatting")
        if core is not None and not getattr(core.Command.get_help_option, "_zh", False):
            core.Command.get_help_option = _help_option(core.Command.get_help_option)
        if formatting is not None and not getattr(formatting.HelpFormatter.write_usage, "_zh", False):
            formatting.HelpFormatter.write_usage = _usage(formatting.HelpFormatter.write_usage)
            if hasattr(formatting, "term_len"):
                formatting.term_len = _columns(formatting.term_len)
                if hasattr(formatting, "wrap_text"):
                    formatting.wrap_text = _wrap(formatting.wrap_text, formatting.term_len)


def _wide(ch: str) -> bool:
    return ch > "\u2e7f" and char_width(ch) == 2


def _wrap(original: Any, columns: Any) -> Any:
    """Help text wrapped by terminal columns: Chinese lines, which have no spaces to break at and
    take two columns a character, would otherwise run past the terminal's width."""

    def wrap_text(text: str, width: int = 78, initial_indent: str = "", subsequent_indent: str = "",
                  preserve_paragraphs: bool = False) -> str:
        wrapped = original(text, width, initial_indent, subsequent_indent, preserve_paragraphs)
        lines: list[str] = []
        for line in wrapped.split("\n"):
            indent = line[: len(line) - len(line.lstrip(" "))]
            while columns(line) > width > len(indent) + 8:
                cols, cut, best = 0, 0, 0
                for i, ch in enumerate(line):
                    cols += 2 if _wide(ch) else 1
                    if cols > width:
                        break
                    cut = i + 1
                    if i + 1 > len(indent) and (ch == " " or _wide(ch) or (i + 1 < len(line) and _wide(line[i + 1]))):
                        best = i + 1
                cut = best or cut
                lines.append(line[:cut].rstrip())
                line = indent + line[cut:].lstrip(" ")
            lines.append(line)
        return "\n".join(lines)

    return wrap_text


def _columns(original: Any) -> Any:
    """Text width in terminal columns (a Chinese character takes two), so help columns line up."""
    def term_len(x: str) -> int:
        n = original(x)
        return n if x.isascii() else n + sum(1 for ch in x if ch > "\u2e7f" and char_width(ch) == 2)

    return term_len


def translate_params(params: list[Any]) -> None:
    """Chinese help for options a library added with English help (typer's completion options)."""
    for p in params:
        if getattr(p, "help", None) in ZH:
            p.help = ZH[p.help]
        if "--install-completion" in getattr(p, "opts", ()):
            p.callback = _install_completion


def _install_completion(ctx: Any, param: Any, value: Any) -> Any:
    """typer's --install-completion, saying what it did in Chinese."""
    if not value or ctx.resilient_parsing:
        return value
    from typer._completion_shared import install as install_script

    shell, path = install_script(shell=value) if isinstance(value, str) else install_script()
    print(f"已为 {shell} 安装命令补全：{path}\n重新打开终端后生效")
    sys.exit(0)


def _help_option(original: Any) -> Any:
    def get_help_option(self: Any, ctx: Any) -> Any:
        opt = original(self, ctx)
        if opt is not None and opt.help in ZH:
            opt.help = ZH[opt.help]
        return opt

    get_help_option._zh = True  # type: ignore[attr-defined]
    return get_help_option


def _usage(original: Any) -> Any:
    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        original(self, prog, args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]..."),
                 "用法：" if prefix is None else prefix)

    write_usage._zh = True  # type: ignore[attr-defined]
    return write_usage
