"""The `tracker` console script: the CLI loaded with the cyclic garbage collector paused.

Loading typer, click, rich's width tables and our modules allocates tens of thousands of objects
and almost no garbage, yet with the collector on those allocations set off some forty
collections, the later ones walking everything loaded so far: 15-20 ms of every command's
start (bench/PROFILE.md). The collector is switched back on before the command runs, with what
was loaded frozen out of its walks, so long runs (the scheduler, large imports) collect as usual.
"""

import gc


def main() -> None:
    gc.disable()
    try:
        from tracker.cli import main as run
    finally:
        gc.freeze()
        gc.enable()
    run()
