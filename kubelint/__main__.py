"""`python -m kubelint` and the `kubelint` command."""

import sys


def run() -> None:
    """`kubelint --version` is answered before the command line machinery (argparse, the
    formatters) is imported; everything else goes to cli.run."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        from . import __version__

        sys.stdout.write(f"kubelint {__version__}\n")
        sys.stdout.flush()
        return
    import gc

    # cli.run turns the cyclic collector off for the whole process (it ends with os._exit);
    # off from here, it also skips its passes over the objects of the imports (argparse's, ours).
    gc.disable()
    from .cli import run as run_cli

    run_cli()


if __name__ == "__main__":
    run()
