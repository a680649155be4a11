"""The `tracker` command line.

Its commands are typer's (``tree``). The commands people type all day, written in their plain
forms, are also read without loading typer (``quick``, taken by the console script only); both
run the same code once the options are read (``daily``) and end the same way (``guard``).
Importing this package loads neither typer nor rich.
"""

from typing import Any

TREE_NAMES = ("app", "build", "command_words")  # what tests and completion reach through the package


def main() -> None:
    """Run the command line in ``sys.argv`` through typer's tree."""
    from tracker.cli import tree

    tree.main()


def __getattr__(name: str) -> Any:
    """``tracker.cli.app`` and the other names of ``tree``, loading typer on first use."""
    if name not in TREE_NAMES:
        raise AttributeError(name)
    from tracker.cli import tree

    return getattr(tree, name)
