"""Profile one `kubelint check` under cProfile and summarize where the time goes, per stage.

    python benchmarks/profile_stages.py [--out FILE.prof] [--top N] -- check --jobs 1 PATH...

cProfile is deterministic in call counts; its times are wall-clock (a CPU timer costs 3x more per call), inflated by the
profiler's own overhead (roughly 2x on this code), so compare stages with each other and runs
of the same command, not with unprofiled wall times. Stages are attributed through the call
graph: a rule family's time is what the engine spends in calls into that package, so a helper
shared by two families is charged to whichever called it.
"""
from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import pstats
import sys
from collections import defaultdict

Func = tuple  # (filename, line, name)

# (stage, file suffix, function name): the stage is the cumulative time of that function.
STAGES = [
    ("read+parse (load_file)", "kubelint/input/loader.py", "load_file"),
    ("  of which parse (parse_documents)", "kubelint/input/loader.py", "parse_documents"),
    ("positions (of findings)", "kubelint/input/loader.py", "position"),
    ("schema (schema_issues)", "kubelint/run/schemacheck.py", "schema_issues"),
    ("output (write_report: the report written in pieces)", "kubelint/cli.py", "write_report"),
]


def _family(filename: str) -> str | None:
    """rules/<family> or admission/<package> for a file of kubelint's checks, else None."""
    f = filename.replace("\\", "/")
    for top in ("/kubelint/rules/", "/kubelint/admission/", "/kubelint/cel/"):
        if top in f:
            rest = f.split(top, 1)[1].split("/")
            return top.strip("/").split("/")[-1] + "/" + (rest[0][:-3] if rest[0].endswith(".py") else rest[0])
    return None


def summarize(stats: pstats.Stats, top: int = 25) -> str:
    raw = stats.stats  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]
    out = [f"total {total:.2f} s under cProfile (wall-clock timer), {sum(v[1] for v in raw.values()):,} calls", ""]
    out.append("| stage | cumulative s | share |")
    out.append("| --- | ---: | ---: |")
    for name, suffix, fn in STAGES:
        # The outermost of same-named functions (a wrapper and what it wraps) counts, once.
        ct = max((v[3] for k, v in raw.items() if k[0].endswith(suffix) and k[2] == fn), default=0.0)
        out.append(f"| {name} | {ct:.2f} | {ct / total:.0%} |")
    # Checks: time spent in calls from outside a family into it (engine -> rule, rule -> shared helper).
    by_family: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    for func, (cc, nc, tt, ct, callers) in raw.items():
        fam = _family(func[0])
        if fam is None:
            continue
        for caller, (ccc, cnc, ctt, cct) in callers.items():
            if _family(caller[0]) is None:
                by_family[fam] += cct
                calls[fam] += cnc
    rules_total = sum(by_family.values())
    out.append(f"| checks (rules, admission, cel), entered from the engine | {rules_total:.2f} | {rules_total / total:.0%} |")
    gc_like = sum(v[2] for k, v in raw.items() if k[2] in ("check", "_check_object") and k[0].endswith(("kubelint/cli.py", "kubelint/run/engine.py")))
    out.append(f"| own time of cli.check + engine._check_object (mostly the cyclic GC and frees) | {gc_like:.2f} | {gc_like / total:.0%} |")
    out += ["", "| family (entered from outside it) | cumulative s | calls in |", "| --- | ---: | ---: |"]
    for fam, ct in sorted(by_family.items(), key=lambda x: -x[1])[:top]:
        out.append(f"| {fam} | {ct:.2f} | {calls[fam]:,} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", help="also write the raw profile here (for pstats / snakeviz)")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--load", help="summarize this saved profile instead of running")
    ap.add_argument("kubelint_args", nargs="*")
    a = ap.parse_args(argv)
    if a.load:
        print(summarize(pstats.Stats(a.load), a.top))
        return 0
    import os

    from kubelint.cli import run as kubelint_run

    class _Exit(Exception):
        pass

    def _no_exit(code: int = 0) -> None:
        raise _Exit(code)

    # The console script's entry, all of it, but returning here where it would end the process.
    os._exit = _no_exit  # type: ignore[assignment]
    sys.argv = ["kubelint", *a.kubelint_args]
    prof = cProfile.Profile()
    prof.enable()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            kubelint_run()
    except _Exit:
        pass
    prof.disable()
    if a.out:
        prof.dump_stats(a.out)
    print(summarize(pstats.Stats(prof), a.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
