"""Measure kubelint's speed and memory targets in one run and print a PASS/FAIL table.

    python benchmarks/bench.py [--runs 5] [--quick] [--only NAME...] [--corpus generated|realworld|both] [--workdir DIR]
                               [--kubelint CMD] [--kubelint-arg ARG] [--markdown] [--json FILE]

Every timing is the median wall-clock time of `--runs` runs of a fresh process
(`time.perf_counter` around `subprocess.run`, process start included), after one untimed
warm-up run. Commands that are compared with each other run interleaved, round by round, so
drift on the machine hits both sides of a ratio alike. Corpora are generated into the work
dir and reused while their parameters and the generator's source are unchanged. Every target
that runs on the clean corpus runs on each of two: the generated one and a real-world-shaped
one (corpus.generate_realworld: the shop stack of examples/ and microservices-demo's manifests
taking turns, 500 files, 12,250 objects, each file in its own namespace); the rows of the
second end in "[real-world]". CPU times are the user+system seconds of the process tree.
Every command runs from an empty working directory outside the repository (a pre-commit run
from its repository), as a user's run would: kubelint looks for its config from there
upwards, and from this repository it would find and parse kubelint's own pyproject.toml.

The script reports; it does not gate: the exit status is 0 whether targets pass or fail.
It is 1 only when the benchmark itself broke, which includes kubelint exiting with 2 or
printing a traceback (its measurement would be meaningless).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

MiB = 1024 * 1024
TIMEOUT = 1800  # seconds for one command; a hung tool is a broken benchmark
GROUPS = ["throughput", "defects", "scaling", "namespace", "latency", "fix", "pre-commit", "memory",
          "kubernetes-validate", "kubeconform"]
SUBSET_OBJECTS = 600

BASELINE = r"""
import os, sys, yaml
n = 0
for root in sys.argv[1:]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith((".yaml", ".yml")):
                with open(os.path.join(dirpath, name), "rb") as f:
                    n += len(list(yaml.load_all(f, Loader=yaml.CSafeLoader)))
print(n)
"""

# Runs the command, samples the memory of its whole process tree (the sum of PSS), and reports
# both that and getrusage's ru_maxrss (the largest single descendant) as JSON on its stdout.
MEMORY_WRAPPER = r"""
import json, os, resource, subprocess, sys, time

def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []

def field_kib(path, name):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(name):
                    return int(line.split()[1])
    except OSError:
        pass
    return None

def pss_kib(pid):
    # Proportional set size: a page shared by forked processes counts once in the sum, not
    # once per process as RSS would.
    pss = field_kib(f"/proc/{pid}/smaps_rollup", "Pss:")
    return pss if pss is not None else (field_kib(f"/proc/{pid}/status", "VmRSS:") or 0)

p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
import threading
err = []
t = threading.Thread(target=lambda: err.append(p.stderr.read()))
t.start()
peak = 0
while p.poll() is None:
    todo, total = [p.pid], 0
    while todo:
        pid = todo.pop()
        total += pss_kib(pid)
        todo.extend(children(pid))
    peak = max(peak, total)
    time.sleep(0.02)
t.join()
print(json.dumps({
    "rc": p.returncode,
    "maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    "tree_peak_kib": peak,
    "stderr": err[0].decode("utf-8", "replace")[-4000:] if err else "",
}))
"""


class BenchError(Exception):
    """A measured command misbehaved, so its numbers would mean nothing."""


@dataclass
class Row:
    name: str
    value: str
    bar: str
    status: str  # PASS, FAIL, INFO, SKIP, ERROR
    detail: str = ""


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    machine: dict[str, Any] = field(default_factory=dict)
    corpora: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)  # CPU seconds per timed run
    broken: bool = False


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- machine


def machine_info(kubelint: list[str]) -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        usable = os.cpu_count() or 1
    version = "?"
    try:
        p = subprocess.run(kubelint + ["--version"], capture_output=True, text=True, timeout=60)
        version = (p.stdout or p.stderr).strip().splitlines()[0] if (p.stdout or p.stderr).strip() else f"exit {p.returncode}"
    except (OSError, subprocess.SubprocessError) as e:
        version = f"not runnable: {e}"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "kubelint_cmd": shlex.join(kubelint),
        "kubelint_version": version,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_start": _loadavg(),
    }


def _loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "?"


def default_kubelint() -> list[str]:
    # The console script next to this interpreter beats a PATH lookup: a pyenv shim on PATH
    # is a bash script that costs about 0.3 s per call, which would swamp the latency targets.
    beside = Path(sys.executable).parent / "kubelint"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("kubelint")
    if found:
        return [found]
    return [sys.executable, "-m", "kubelint"]


# --------------------------------------------------------------------------- corpora


def _generator_hash() -> str:
    h = hashlib.sha256()
    for name in ("corpus.py", "yamlemit.py"):
        h.update((HERE / name).read_bytes())
    return h.hexdigest()[:16]


def cached(workdir: Path, name: str, params: dict[str, Any], make: Callable[[Path], dict[str, Any]]) -> tuple[Path, dict[str, Any]]:
    """Return the corpus dir `name`, regenerating it unless its stamp matches params."""
    target = workdir / name
    stamp = workdir / f"{name}.stamp.json"
    want = {"params": params, "generator": _generator_hash()}
    if target.is_dir() and stamp.is_file():
        try:
            have = json.loads(stamp.read_text())
            if {k: have.get(k) for k in want} == want:
                return target, have["stats"]
        except (ValueError, KeyError):
            pass
    if target.exists():
        shutil.rmtree(target)
    stamp.unlink(missing_ok=True)
    t0 = time.perf_counter()
    log(f"generating {name} {params} ...")
    stats = make(target)
    log(f"  {stats.get('files')} files, {stats.get('objects')} objects in {time.perf_counter() - t0:.1f} s")
    stamp.write_text(json.dumps({**want, "stats": stats}, indent=2))
    return target, stats


def make_subset(source: Path, target: Path, n: int) -> dict[str, Any]:
    """Copy whole stack files from `source` until n objects; the last file is cut at a document."""
    target.mkdir(parents=True)
    total = files = 0
    for p in sorted(source.rglob("*.yaml")):
        parts = [x for x in re.split(r"(?m)^---\n", p.read_text(encoding="utf-8")) if x.strip()]
        take = parts[: n - total]
        dest = target / p.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text("---\n".join(take), encoding="utf-8")
        total += len(take)
        files += 1
        if total >= n:
            break
    return {"files": files, "objects": total}


PRECOMMIT_FILE_INDEX = 250  # the changed file: one in the middle of the sorted corpus


def make_precommit_repo(source: Path, target: Path) -> dict[str, Any]:
    """A git repository of the clean corpus, with one file changed and staged as for a commit:
    a ConfigMap added to it, in the namespace of the file's objects."""
    shutil.copytree(source, target)
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com", "GIT_CONFIG_GLOBAL": os.devnull}
    git = lambda *a: subprocess.run(["git", *a], cwd=target, check=True, capture_output=True, env=env)  # noqa: E731
    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "corpus")
    files = sorted(p for p in target.rglob("*.yaml") if ".git" not in p.parts)
    changed = files[PRECOMMIT_FILE_INDEX]
    text = changed.read_text(encoding="utf-8")
    namespace = re.search(r"(?m)^  namespace: (\S+)", text)
    changed.write_text(text.rstrip("\n") + "\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: precommit-change\n"
                       + (f"  namespace: {namespace.group(1)}\n" if namespace else "") + "data:\n  changed: by-the-benchmark\n",
                       encoding="utf-8")
    git("add", "-A")
    objects = sum(len([x for x in re.split(r"(?m)^---\n", p.read_text(encoding="utf-8")) if x.strip()]) for p in files)
    return {"files": len(files), "objects": objects, "changed": str(changed.relative_to(target))}


CORPUS_KINDS = ["generated", "realworld"]
# Key prefix, cache-directory prefix and row-name suffix of each corpus kind: the generated
# corpus keeps the names it always had.
PREFIX = {"generated": "", "realworld": "rw-"}
SUFFIX = {"generated": "", "realworld": " [real-world]"}


def prepare_corpora(workdir: Path, groups: set[str], quick: bool, kinds: list[str] = CORPUS_KINDS[:1]) -> dict[str, tuple[Path, dict[str, Any]]]:
    workdir.mkdir(parents=True, exist_ok=True)
    c: dict[str, tuple[Path, dict[str, Any]]] = {}
    need_clean = groups & {"throughput", "defects", "scaling", "namespace", "fix", "kubernetes-validate", "kubeconform",
                           "memory", "pre-commit"}
    for kind in kinds:
        P = PREFIX[kind]
        gen = corpus.generate if kind == "generated" else corpus.generate_realworld
        extra: dict[str, Any] = {} if kind == "generated" else {"realworld": list(corpus.REALWORLD_SOURCES)}
        if need_clean - {"namespace"} or (need_clean and kind == "generated"):
            c[P + "clean"] = cached(workdir, f"corpus-{P}clean", {"files": 500, "seed": 0, **extra}, lambda d, g=gen: g(d, files=500, seed=0))
        if "defects" in groups:
            c[P + "defects"] = cached(workdir, f"corpus-{P}defects", {"files": 500, "seed": 0, "defect_rate": 0.1, **extra},
                                      lambda d, g=gen: g(d, files=500, seed=0, defect_rate=0.1))
        if groups & {"scaling", "memory"} and not quick:
            c[P + "scale10"] = cached(workdir, f"corpus-{P}scale10", {"files": 500, "seed": 0, "scale": 10, **extra},
                                      lambda d, g=gen: g(d, files=500, seed=0, scale=10))
        if "pre-commit" in groups:
            src = c[P + "clean"][0]
            c[P + "repo"] = cached(workdir, f"corpus-{P}precommit-repo", {"from": f"corpus-{P}clean", "clean": c[P + "clean"][1]["objects"], "change": 2},
                                   lambda d, src=src: make_precommit_repo(src, d))
        if groups & {"kubernetes-validate", "kubeconform"}:
            src = c[P + "clean"][0]
            c[P + "subset"] = cached(workdir, f"corpus-{P}subset600", {"from": f"corpus-{P}clean", "objects": SUBSET_OBJECTS, "clean": c[P + "clean"][1]["objects"]},
                                     lambda d, src=src: make_subset(src, d, SUBSET_OBJECTS))
    if "namespace" in groups:
        c["ns5000"] = cached(workdir, "corpus-ns5000", {"n": 5000, "per_file": 10}, lambda d: corpus.generate_one_namespace_services(d, n=5000, per_file=10))
        c["ns500"] = cached(workdir, "corpus-ns500", {"n": 500, "per_file": 10}, lambda d: corpus.generate_one_namespace_services(d, n=500, per_file=10))
    if "latency" in groups:
        def one(d: Path) -> dict[str, Any]:
            d.mkdir(parents=True)
            return {"files": 1, "objects": corpus.write_single_file(d / "one.yaml")}
        c["one"] = cached(workdir, "corpus-one-file", {"objects": 12}, one)
    return c


# --------------------------------------------------------------------------- running


@dataclass
class Cmd:
    label: str
    argv: list[str]
    ok: tuple[int, ...] = (0, 1)
    check_traceback: bool = True
    cwd: str | None = None
    env: dict[str, str] | None = None


_neutral_cwd: str | None = None


def neutral_cwd() -> str:
    """An empty directory outside any project, where commands run unless they name their own.
    From the repository, every kubelint run would read kubelint's own pyproject.toml while
    looking for its config (it names `kubelint` as a key, so the TOML is parsed: 15 M of the
    one-file check's 407 M instructions), which no user's repository makes it do."""
    global _neutral_cwd
    if _neutral_cwd is None:
        import atexit
        import tempfile

        _neutral_cwd = tempfile.mkdtemp(prefix="kubelint-bench-cwd-")
        atexit.register(shutil.rmtree, _neutral_cwd, True)
    return _neutral_cwd


# CPU seconds (user + system) of the last command run_once ran, its whole process tree.
last_cpu = 0.0


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_once(cmd: Cmd) -> float:
    global last_cpu
    c0 = _children_cpu()
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd.argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=TIMEOUT,
                           cwd=cmd.cwd or neutral_cwd(), env={**os.environ, **cmd.env} if cmd.env else None)
    except subprocess.TimeoutExpired as e:
        raise BenchError(f"{cmd.label}: timed out after {TIMEOUT} s") from e
    except OSError as e:
        raise BenchError(f"{cmd.label}: cannot run {cmd.argv[0]!r}: {e}") from e
    dt = time.perf_counter() - t0
    last_cpu = _children_cpu() - c0
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode not in cmd.ok or (cmd.check_traceback and "Traceback (most recent call last)" in err):
        tail = "\n".join(err.strip().splitlines()[-6:])
        raise BenchError(f"{cmd.label}: exit {p.returncode}: {tail}")
    return dt


def measure(cmds: list[Cmd], runs: int, cpu: dict[str, list[float]] | None = None) -> tuple[dict[str, list[float]], dict[str, str]]:
    """Interleaved timing: a warm-up of each, then `runs` rounds in rotating order.

    Returns (timings by label, error by label); a command that fails is dropped from the
    remaining rounds.
    """
    times: dict[str, list[float]] = {c.label: [] for c in cmds}
    errors: dict[str, str] = {}
    for c in cmds:
        try:
            log(f"  warm-up {c.label}")
            run_once(c)
        except BenchError as e:
            errors[c.label] = str(e)
            log(f"  ERROR {e}")
    live = [c for c in cmds if c.label not in errors]
    for r in range(runs):
        k = r % len(live) if live else 0
        for c in live[k:] + live[:k]:
            if c.label in errors:
                continue
            try:
                times[c.label].append(run_once(c))
                if cpu is not None:
                    cpu.setdefault(c.label, []).append(last_cpu)
            except BenchError as e:
                errors[c.label] = str(e)
                log(f"  ERROR {e}")
        done = ", ".join(f"{lbl} {v[-1]:.3f}s" for lbl, v in times.items() if v and lbl not in errors)
        log(f"  round {r + 1}/{runs}: {done}")
    return times, errors


def med(v: list[float]) -> float:
    return statistics.median(v)


def per_round(times: dict[str, list[float]], a: str, b: str) -> str:
    """Median of the per-round ratios a/b: robust to drift, since a round runs both."""
    pairs = list(zip(times.get(a, []), times.get(b, [])))
    if len(pairs) < 2:
        return ""
    return f"; per-round ratio median {statistics.median(x / y for x, y in pairs):.2f}"


def fmt_s(s: float) -> str:
    return f"{s:.3f} s" if s < 10 else f"{s:.1f} s"


# --------------------------------------------------------------------------- kubernetes-validate


def find_kubernetes_validate(workdir: Path) -> tuple[list[str] | None, str]:
    """A command that runs kubernetes-validate, installing it into a venv in workdir if needed."""
    p = subprocess.run([sys.executable, "-c", "import kubernetes_validate"], capture_output=True)
    if p.returncode == 0:
        return [sys.executable, "-m", "kubernetes_validate"], "importable in this environment"
    venv = workdir / "kv-venv"
    exe = venv / "bin" / "kubernetes-validate"
    if exe.exists():
        return [str(exe)], f"from {venv}"
    log(f"kubernetes-validate is not importable; installing it into {venv} ...")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
        pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "kubernetes-validate"], capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.SubprocessError) as e:
        return None, f"could not create a venv for it: {e}"
    if pip.returncode != 0 or not exe.exists():
        tail = " ".join((pip.stderr or pip.stdout).strip().splitlines()[-2:])
        return None, f"pip install kubernetes-validate failed: {tail}"
    return [str(exe)], f"installed into {venv}"


# --------------------------------------------------------------------------- a user's install


def _source_hash(root: Path) -> str:
    """What a non-editable install of `root` is built from: the package and its metadata."""
    h = hashlib.sha256()
    for f in sorted([root / "pyproject.toml", *(root / "kubelint").rglob("*")]):
        if f.is_file() and "__pycache__" not in f.parts:
            h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def user_install(workdir: Path) -> tuple[list[str] | None, str]:
    """kubelint as the README's quick start installs it: `pip install .`, not editable, in a
    venv of its own. The latency targets time this command. A development checkout's command
    pays for what a user's does not: an editable install's import hook (setuptools' finder,
    about 25 ms at every start) and whatever .pth files the interpreter's own site holds.
    Reinstalled (without dependencies) whenever the package's sources change."""
    root = HERE.parent
    venv = workdir / "user-venv"
    exe = venv / "bin" / "kubelint"
    stamp = venv / "kubelint-source.txt"
    want = _source_hash(root)
    if exe.exists() and stamp.is_file() and stamp.read_text() == want:
        return [str(exe)], f"non-editable install in {venv}"
    log(f"installing kubelint (pip install ., not editable) into {venv} ...")
    try:
        if not (venv / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
            extra: list[str] = []
        else:
            extra = ["--no-deps", "--force-reinstall"]
        pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *extra, str(root)],
                             capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.SubprocessError) as e:
        return None, f"could not create a venv for it: {e}"
    if pip.returncode != 0 or not exe.exists():
        tail = " ".join((pip.stderr or pip.stdout).strip().splitlines()[-2:])
        return None, f"pip install . failed: {tail}"
    stamp.write_text(want)
    return [str(exe)], f"installed (non-editable) into {venv}"


# --------------------------------------------------------------------------- the targets


def ratio_row(name: str, ratio: float, bar: float, le: bool, detail: str, fmt: str = "{:.2f}") -> Row:
    ok = ratio <= bar if le else ratio >= bar
    return Row(name, fmt.format(ratio), ("≤ " if le else "≥ ") + fmt.format(bar).rstrip("0").rstrip("."), "PASS" if ok else "FAIL", detail)


def compile_bytecode() -> None:
    """Byte-compile the kubelint package, as `pip install` does. An editable checkout under
    PYTHONDONTWRITEBYTECODE=1 (this machine's default) otherwise recompiles every module
    that changed on every run, and the latency targets would time the compiler."""
    import compileall

    try:
        import kubelint
    except ImportError:
        return
    compileall.compile_dir(os.path.dirname(kubelint.__file__), quiet=1)


def run(args: argparse.Namespace) -> Results:
    res = Results()
    groups = set(args.only or GROUPS)
    kubelint = shlex.split(args.kubelint) if args.kubelint else default_kubelint()
    if os.sep in kubelint[0] and not os.path.isabs(kubelint[0]):  # commands run elsewhere (neutral_cwd)
        kubelint[0] = os.path.abspath(kubelint[0])
    kl_extra = list(args.kubelint_arg or [])
    res.machine = machine_info(kubelint)
    log(f"kubelint command: {res.machine['kubelint_cmd']}  ({res.machine['kubelint_version']})")
    compile_bytecode()
    workdir = Path(args.workdir).resolve()
    kinds = CORPUS_KINDS if args.corpus == "both" else [args.corpus]
    corpora = prepare_corpora(workdir, groups, args.quick, kinds)
    res.corpora = {k: {"path": str(v[0]), "files": v[1].get("files"), "objects": v[1].get("objects")} for k, v in corpora.items()}

    def kl(corp: str) -> Cmd:
        return Cmd(f"kubelint {corp}", kubelint + ["check", *kl_extra, str(corpora[corp][0])])

    def objects(corp: str) -> int:
        return int(corpora[corp][1]["objects"])

    # One interleaved timing session for every kubelint-vs-something ratio.
    cmds: list[Cmd] = []
    for kind in kinds:
        P, sfx = PREFIX[kind], SUFFIX[kind]
        if groups & {"throughput", "defects", "scaling", "fix"}:
            cmds.append(kl(P + "clean"))
        if "fix" in groups:  # the clean corpus has nothing to fix: fix writes nothing
            cmds.append(Cmd(f"kubelint fix {P}clean", kubelint + ["fix", *kl_extra, str(corpora[P + "clean"][0])]))
        if "throughput" in groups:
            cmds.append(Cmd(f"baseline {P}clean", [sys.executable, "-c", BASELINE, str(corpora[P + "clean"][0])], ok=(0,)))
        if "defects" in groups:
            cmds.append(kl(P + "defects"))
        if "scaling" in groups and P + "scale10" in corpora:
            cmds.append(kl(P + "scale10"))
        if "pre-commit" in groups:
            # What the hook runs for a commit of one file: the file, the repository as context.
            repo, stats = corpora[P + "repo"]
            cache = str(workdir / f"{P}precommit-kubelint-cache")
            hook = kubelint + ["check", *kl_extra, "--default-context", ".", stats["changed"]]
            cmds.append(Cmd("kubelint pre-commit" + sfx, hook, cwd=str(repo), env={"KUBELINT_CACHE_DIR": cache}))
            # The same with no cache of the context (a first run, or every context file changed).
            cold = ["sh", "-c", 'rm -rf "$KUBELINT_CACHE_DIR" && exec "$@"', "cold", *hook]
            cmds.append(Cmd("kubelint pre-commit cold" + sfx, cold, cwd=str(repo), env={"KUBELINT_CACHE_DIR": cache + "-cold"}))
        if "throughput" in groups:  # the CPU target: one process, all of its CPU time counted
            cmds.append(Cmd(f"kubelint {P}clean --jobs 1", kubelint + ["check", *kl_extra, "--jobs", "1", str(corpora[P + "clean"][0])]))
    if "namespace" in groups:
        cmds += [kl("ns500"), kl("ns5000")]
    if "latency" in groups:
        # Timed as a user runs it (see user_install), unless --kubelint names the command; the
        # development command's figures are reported beside them.
        installed, res.machine["latency_install"] = (None, "--kubelint given") if args.kubelint else user_install(workdir)
        user = installed or kubelint
        one = str(corpora["one"][0])
        cmds += [Cmd("kubelint one", user + ["check", *kl_extra, one]), Cmd("kubelint --version", user + ["--version"], ok=(0,))]
        # The interpreter's own start, site (and its .pth files) included: the floor under both.
        python = [str(Path(user[0]).parent / "python")] if installed else [sys.executable]
        cmds.append(Cmd("python start", python + ["-c", "pass"], ok=(0,)))
        if installed:
            cmds += [Cmd("dev one", kubelint + ["check", *kl_extra, one]), Cmd("dev --version", kubelint + ["--version"], ok=(0,)),
                     Cmd("dev python start", [sys.executable, "-c", "pass"], ok=(0,))]
    times: dict[str, list[float]] = {}
    errors: dict[str, str] = {}
    if cmds:
        log(f"timing {len(cmds)} commands, {args.runs} interleaved rounds")
        times, errors = measure(cmds, args.runs, res.cpu)
    res.timings.update(times)

    def t(label: str) -> float | None:
        return None if label in errors or not times.get(label) else med(times[label])

    def need(*labels: str) -> str | None:
        bad = [errors[x] for x in labels if x in errors]
        return bad[0] if bad else None

    rows = res.rows
    cpu = res.cpu
    for kind in kinds:
        P, sfx = PREFIX[kind], SUFFIX[kind]
        start = len(rows)
        if "throughput" in groups:
            e = need(f"kubelint {P}clean", f"baseline {P}clean")
            if e:
                rows.append(Row("throughput: kubelint / PyYAML CSafeLoader load", "-", "≤ 0.5", "ERROR", e))
            else:
                a, b = t(f"kubelint {P}clean"), t(f"baseline {P}clean")
                assert a is not None and b is not None
                n = objects(P + "clean")
                rows.append(ratio_row("throughput: kubelint / PyYAML CSafeLoader load", a / b, 0.5, True,
                                      f"{fmt_s(a)} vs {fmt_s(b)} on {n} objects; kubelint {n / a:,.0f} objects/s"
                                      + per_round(times, f"kubelint {P}clean", f"baseline {P}clean")))
        if "defects" in groups:
            e = need(f"kubelint {P}clean", f"kubelint {P}defects")
            if e:
                rows.append(Row("defects: 10%-defect corpus / clean", "-", "≤ 1.5", "ERROR", e))
            else:
                a, b = t(f"kubelint {P}defects"), t(f"kubelint {P}clean")
                assert a is not None and b is not None
                rows.append(ratio_row("defects: 10%-defect corpus / clean", a / b, 1.5, True,
                                      f"{fmt_s(a)} vs {fmt_s(b)}" + per_round(times, f"kubelint {P}defects", f"kubelint {P}clean")))
        if "scaling" in groups:
            if P + "scale10" not in corpora:
                rows.append(Row("scaling: 60k objects / 6k objects", "-", "≤ 10.5", "SKIP", "--quick skips the scale=10 corpus"))
            else:
                e = need(f"kubelint {P}clean", f"kubelint {P}scale10")
                if e:
                    rows.append(Row("scaling: 60k objects / 6k objects", "-", "≤ 10.5", "ERROR", e))
                else:
                    a, b = t(f"kubelint {P}scale10"), t(f"kubelint {P}clean")
                    assert a is not None and b is not None
                    rows.append(ratio_row("scaling: 60k objects / 6k objects", a / b, 10.5, True,
                                          f"{fmt_s(a)} for {objects(P + 'scale10')} vs {fmt_s(b)} for {objects(P + 'clean')} objects"
                                          + per_round(times, f"kubelint {P}scale10", f"kubelint {P}clean")))
        if "throughput" in groups:
            e = need(f"kubelint {P}clean --jobs 1", f"baseline {P}clean")
            name = "throughput CPU: kubelint --jobs 1 / PyYAML CSafeLoader load, CPU seconds"
            if e:
                rows.append(Row(name, "-", "≤ 0.8", "ERROR", e))
            else:
                a, b = med(cpu[f"kubelint {P}clean --jobs 1"]), med(cpu[f"baseline {P}clean"])
                rows.append(ratio_row(name, a / b, 0.8, True, f"{a:.2f} s vs {b:.2f} s CPU (user+sys of the process tree), "
                                      f"wall {fmt_s(med(times[f'kubelint {P}clean --jobs 1']))} with --jobs 1"))
        for r in rows[start:]:
            r.name += sfx
    if "namespace" in groups:
        e = need("kubelint ns500", "kubelint ns5000")
        if e:
            rows.append(Row("one namespace: 5000+5000 / 500+500 Services+Deployments", "-", "≤ 11", "ERROR", e))
        else:
            a, b = t("kubelint ns5000"), t("kubelint ns500")
            assert a is not None and b is not None
            detail = f"{fmt_s(a)} vs {fmt_s(b)}{per_round(times, 'kubelint ns5000', 'kubelint ns500')}; {a / objects('ns5000') * 1e6:.0f} µs/object"
            c = t("kubelint clean") if "clean" in corpora else None
            if c is not None:
                per_main = c / objects("clean")
                detail += f" ({a / objects('ns5000') / per_main:.2f}x the main corpus' {per_main * 1e6:.0f} µs/object)"
            rows.append(ratio_row("one namespace: 5000+5000 / 500+500 Services+Deployments", a / b, 11, True, detail))
    if "latency" in groups:
        for label, name, bar in (("kubelint one", "latency: check one 12-object file", 0.1), ("kubelint --version", "latency: kubelint --version", 0.05)):
            e = need(label)
            if e:
                rows.append(Row(name, "-", f"≤ {bar} s", "ERROR", e))
            else:
                v = t(label)
                assert v is not None
                rows.append(Row(name, fmt_s(v), f"≤ {bar} s", "PASS" if v <= bar else "FAIL", f"min {min(times[label]):.3f} s"))
            if label == "kubelint one" and "latency_install" in res.machine:
                rows[-1].detail += f"; {res.machine['latency_install']}"
        if not need("python start"):
            v = t("python start")
            rows.append(Row("latency: `python -c pass` in the same environment (the floor)", fmt_s(v), "-", "INFO",
                            f"min {min(times['python start']):.3f} s; site's .pth files included"))
        for label, name in (("dev one", "check one 12-object file"), ("dev --version", "kubelint --version"), ("dev python start", "`python -c pass`")):
            if times.get(label) and not need(label):
                rows.append(Row(f"latency, development command: {name}", fmt_s(med(times[label])), "-", "INFO",
                                f"{shlex.join(kubelint if label != 'dev python start' else [sys.executable])}: editable install and this interpreter's site"))
    for kind in kinds:
        P, sfx = PREFIX[kind], SUFFIX[kind]
        start = len(rows)
        view = {k[len(P):]: v for k, v in corpora.items() if k.startswith(P)}
        if "fix" in groups:
            e = need(f"kubelint {P}clean", f"kubelint fix {P}clean")
            if e:
                rows.append(Row("fix: `kubelint fix` / `check`, nothing to fix", "-", "≤ 1.10", "ERROR", e))
            else:
                a, b = t(f"kubelint fix {P}clean"), t(f"kubelint {P}clean")
                assert a is not None and b is not None
                rows.append(ratio_row("fix: `kubelint fix` / `check`, nothing to fix", a / b, 1.10, True,
                                      f"{fmt_s(a)} vs {fmt_s(b)}" + per_round(times, f"kubelint fix {P}clean", f"kubelint {P}clean")))
        if "pre-commit" in groups:
            name = f"pre-commit: one changed file, {objects(P + 'repo'):,}-object repository as context"
            e = need("kubelint pre-commit" + sfx)
            if e:
                rows.append(Row(name, "-", "≤ 0.6 s", "ERROR", e))
            else:
                v = t("kubelint pre-commit" + sfx)
                assert v is not None
                rows.append(Row(name, fmt_s(v), "≤ 0.6 s", "PASS" if v <= 0.6 else "FAIL",
                                f"min {min(times['kubelint pre-commit' + sfx]):.3f} s; context read from its cache"))
            cold = t("kubelint pre-commit cold" + sfx)
            if cold is not None:
                rows.append(Row("pre-commit, cold: the same with no context cache (first run)", fmt_s(cold), "-", "INFO",
                                "every context file parsed, and the cache written"))
        if "defects" in groups:
            rows.extend(detection_rows(kubelint + ["check", *kl_extra], view))
        if "memory" in groups:
            rows.extend(memory_rows(kubelint + ["check", *kl_extra], view, args))
        if "kubernetes-validate" in groups:
            rows.append(kubernetes_validate_row(kubelint, kl_extra, view, workdir, args.runs))
        if "kubeconform" in groups:
            rows.append(kubeconform_row(kubelint, kl_extra, view, args.runs))
        for r in rows[start:]:
            r.name += sfx
    res.machine["load_end"] = _loadavg()
    noisy = [f"{lbl} {min(v):.2f}-{max(v):.2f} s" for lbl, v in times.items() if len(v) > 1 and max(v) > 1.5 * min(v) and max(v) > 0.05]
    if noisy:
        res.machine["noisy"] = noisy
    res.broken = any(r.status == "ERROR" for r in rows)
    return res


def _findings(check: list[str], root: Path) -> dict[str, Any] | str:
    """kubelint's JSON report on root, or why there is none."""
    try:
        p = subprocess.run([*check, "--format", "json", str(root)], capture_output=True, text=True, timeout=TIMEOUT,
                           cwd=neutral_cwd())
    except (OSError, subprocess.SubprocessError) as e:
        return f"cannot run: {e}"
    if p.returncode not in (0, 1) or "Traceback (most recent call last)" in p.stderr:
        return f"exit {p.returncode}: {p.stderr.strip()[-300:]}"
    try:
        report = json.loads(p.stdout)
        report["findings"], report["summary"]  # noqa: B018 - shape check
        return report
    except (ValueError, KeyError, TypeError):
        return "no JSON report from `check --format json`"


def detection_rows(check: list[str], corpora: dict[str, tuple[Path, dict[str, Any]]]) -> list[Row]:
    """Sanity of the timed work: the clean corpus has no findings, every injected defect is found."""
    rows = []
    clean = _findings(check, corpora["clean"][0])
    if isinstance(clean, str):
        return [Row("defects: findings kubelint reports", "-", "info", "SKIP", clean)]
    s = clean["summary"]
    rows.append(Row("clean corpus: findings (should be 0)", str(len(clean["findings"])), "info", "INFO",
                    f"errors {s.get('errors')}, warnings {s.get('warnings')}, infos {s.get('infos')}"))
    root, stats = corpora["defects"]
    bad = _findings(check, root)
    if isinstance(bad, str):
        rows.append(Row("defects: defective objects flagged", "-", "info", "SKIP", bad))
        return rows
    base = root.resolve()
    flagged: set[tuple[str, str, str, str]] = set()
    for f in bad["findings"]:
        o = f.get("object") or {}
        try:
            rel = Path(f["path"]).resolve().relative_to(base).as_posix()
        except (ValueError, KeyError, TypeError):
            continue
        flagged.add((rel, str(o.get("kind")), str(o.get("namespace") or ""), str(o.get("name"))))
    missed: dict[str, int] = {}
    for rel, kind, ns, name, defect in stats["defect_list"]:
        if (rel, kind, ns, name) not in flagged:
            missed[defect] = missed.get(defect, 0) + 1
    total = len(stats["defect_list"])
    detail = f"{len(bad['findings'])} findings in all; " + (
        "missed: " + ", ".join(f"{k} ×{v}" for k, v in sorted(missed.items())) if missed else "every defect type found")
    rows.append(Row("defects: defective objects flagged", f"{total - sum(missed.values())}/{total}", "info", "INFO", detail))
    return rows


def memory_run(command: list[str]) -> tuple[dict[str, Any] | None, str]:
    """One run of `command` under MEMORY_WRAPPER: (its measures, "") or (None, why it failed)."""
    p = subprocess.run([sys.executable, "-c", MEMORY_WRAPPER, *command], capture_output=True, text=True,
                       timeout=TIMEOUT, cwd=neutral_cwd())
    try:
        out = json.loads(p.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None, f"memory wrapper failed: {p.stderr.strip()[-400:]}"
    if out["rc"] not in (0, 1) or "Traceback (most recent call last)" in out["stderr"]:
        return None, f"exit {out['rc']}: {out['stderr'].strip()[-400:]}"
    return out, ""


def memory_rows(check: list[str], corpora: dict[str, tuple[Path, dict[str, Any]]], args: argparse.Namespace) -> list[Row]:
    corp = "scale10" if "scale10" in corpora else "clean"
    n = int(corpora[corp][1]["objects"])
    name = f"memory: peak RSS, {n / 1000:.0f}k objects"
    samples = []
    for i in range(min(args.runs, 3)):
        log(f"memory run {i + 1} on {corp}")
        out, error = memory_run([*check, str(corpora[corp][0])])
        if out is None:
            return [Row(name, "-", "≤ 250 MiB", "ERROR", error)]
        samples.append(out)
    maxrss = max(s["maxrss_kib"] for s in samples) * 1024 / MiB
    tree = max(s["tree_peak_kib"] for s in samples) * 1024 / MiB

    def verdict(mib: float) -> str:  # the bar is for the 10x corpus; --quick's smaller one only informs
        return ("PASS" if mib <= 250 else "FAIL") if corp == "scale10" else "INFO"

    detail = "largest single process (getrusage RUSAGE_CHILDREN ru_maxrss), worst of %d runs" % len(samples)
    if corp != "scale10":
        detail += "; --quick measures the 6k corpus, the bar is for 60k"
    rows = [
        Row(name, f"{maxrss:.0f} MiB", "≤ 250 MiB", verdict(maxrss), detail),
        Row(f"memory: process tree peak (sum of PSS), {n / 1000:.0f}k objects", f"{tree:.0f} MiB", "≤ 250 MiB",
            verdict(tree), "sum of PSS (shared pages counted once) over kubelint and its workers, sampled every 20 ms"),
    ]
    # The bar holds with --jobs 1 too (issue 16): one process then holds everything the run keeps.
    # One run: a peak RSS barely moves between runs, and this one takes the longest.
    log(f"memory run with --jobs 1 on {corp}")
    out, error = memory_run([*check, "--jobs", "1", str(corpora[corp][0])])
    name = f"memory: peak RSS with --jobs 1, {n / 1000:.0f}k objects"
    if out is None:
        rows.append(Row(name, "-", "≤ 250 MiB", "ERROR", error))
    else:
        single = out["maxrss_kib"] * 1024 / MiB
        rows.append(Row(name, f"{single:.0f} MiB", "≤ 250 MiB", verdict(single),
                        "the one process (getrusage RUSAGE_CHILDREN ru_maxrss), one run"))
    return rows


def kubernetes_validate_row(kubelint: list[str], extra: list[str], corpora: dict[str, tuple[Path, dict[str, Any]]], workdir: Path, runs: int) -> Row:
    name = f"vs kubernetes-validate: its time / kubelint's, {SUBSET_OBJECTS} objects"
    kv, how = find_kubernetes_validate(workdir)
    if kv is None:
        log(f"kubernetes-validate: {how}; skipped")
        return Row(name, "-", "≥ 40", "SKIP", how)
    subset = corpora["subset"][0]
    files = [str(p) for p in sorted(subset.rglob("*.yaml"))]
    cmds = [
        Cmd("kubelint subset", kubelint + ["check", *extra, str(subset)]),
        Cmd("kubernetes-validate subset", kv + ["--strict", "--quiet", *files]),
    ]
    log(f"timing kubernetes-validate ({how}) against kubelint, {runs} rounds")
    times, errors = measure(cmds, runs)
    if errors:
        return Row(name, "-", "≥ 40", "ERROR", next(iter(errors.values())))
    a, b = med(times["kubernetes-validate subset"]), med(times["kubelint subset"])
    return ratio_row(name, a / b, 40, False, f"{fmt_s(a)} vs {fmt_s(b)}{per_round(times, 'kubernetes-validate subset', 'kubelint subset')}; kubernetes-validate --strict, {how}", "{:.1f}")


def kubeconform_row(kubelint: list[str], extra: list[str], corpora: dict[str, tuple[Path, dict[str, Any]]], runs: int) -> Row:
    name = f"vs kubeconform: its time / kubelint's, {SUBSET_OBJECTS} objects"
    exe = shutil.which("kubeconform")
    if not exe:
        log("kubeconform: not found, skipped")
        return Row(name, "-", "info", "SKIP", "kubeconform: not found, skipped")
    subset = corpora["subset"][0]
    cmds = [
        Cmd("kubelint subset", kubelint + ["check", *extra, str(subset)]),
        Cmd("kubeconform subset", [exe, "-strict", "-summary", "-kubernetes-version", "1.37.0", str(subset)], check_traceback=False),
    ]
    times, errors = measure(cmds, runs)
    if errors:
        return Row(name, "-", "info", "ERROR", next(iter(errors.values())))
    a, b = med(times["kubeconform subset"]), med(times["kubelint subset"])
    return Row(name, f"{a / b:.2f}", "info", "INFO", f"{fmt_s(a)} vs {fmt_s(b)}")


# --------------------------------------------------------------------------- output


def text_table(res: Results) -> str:
    head = ("target", "measured", "bar", "result")
    data = [(r.name, r.value, r.bar, r.status) for r in res.rows]
    widths = [max(len(x[i]) for x in [head, *data]) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(head, widths)), line]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in data]
    out.append("")
    for r in res.rows:
        if r.detail:
            out.append(f"- {r.name}: {r.detail}")
    out.append("")
    m = res.machine
    out.append(f"machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), Python {m['python']}, {m['platform']}")
    out.append(f"kubelint: {m['kubelint_cmd']} ({m['kubelint_version']}); {m['date']}")
    out.append(f"load average (1, 5, 15 min): {m['load_start']} at start, {m.get('load_end', '?')} at end")
    if m.get("noisy"):
        out.append("WARNING: runs spread more than 1.5x, the machine was busy: " + "; ".join(m["noisy"]))
    return "\n".join(out)


def markdown_table(res: Results) -> str:
    m = res.machine
    out = ["| target | measured | bar | result |", "| --- | --- | --- | --- |"]
    for r in res.rows:
        out.append(f"| {r.name} | {r.value} | {r.bar} | {r.status} |")
    out.append("")
    out.append(f"Measured on {m['cpu']}, {m['cores']} cores, Python {m['python']}, {m['kubelint_version']}, {m['date']} "
               f"(`python benchmarks/bench.py`, median of the runs, all in one session).")
    return "\n".join(out)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=None, help="timed runs per command (default 5, 3 with --quick)")
    ap.add_argument("--quick", action="store_true", help="3 runs and no scale=10 corpus")
    ap.add_argument("--only", nargs="+", choices=GROUPS, metavar="NAME", help=f"run only these targets: {', '.join(GROUPS)}")
    ap.add_argument("--workdir", default=str(HERE / "corpus-cache"), help="where corpora are generated and cached (default: benchmarks/corpus-cache)")
    ap.add_argument("--kubelint", help="the kubelint command, split like a shell line (default: the console script, else python -m kubelint)")
    ap.add_argument("--kubelint-arg", action="append", metavar="ARG", help="extra argument after `check` (repeatable), e.g. --kubelint-arg=--jobs=2")
    ap.add_argument("--corpus", choices=["generated", "realworld", "both"], default="both",
                    help="the generated corpus, the real-world-shaped one (real manifests replicated into 500 namespaces), or both (default)")
    ap.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    ap.add_argument("--json", metavar="FILE", help="write all results and raw timings as JSON")
    args = ap.parse_args(argv)
    if args.runs is None:
        args.runs = 3 if args.quick else 5
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    res = run(args)
    print(text_table(res))
    if args.markdown:
        print()
        print(markdown_table(res))
    if args.json:
        Path(args.json).write_text(json.dumps(asdict(res), indent=2, ensure_ascii=False))
    return 1 if res.broken else 0


if __name__ == "__main__":
    sys.exit(main())
