"""Shared test helpers: run a check in-process and get findings as comparable tuples."""

from __future__ import annotations

import io
import os
import sys
import textwrap
from typing import Callable, Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple, Union

from kubelint.input.discover import discover
from kubelint.input.loader import load_file
from kubelint.run.engine import Checker, RunResult, Settings

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CORPUS = os.path.abspath(os.path.join(REPO, "..", "shared", "corpus"))


def run_paths(paths: Sequence[str], **settings) -> RunResult:  # type: ignore[no-untyped-def]
    return Checker(Settings(**settings)).run(discover(paths))


def run_text(text: str, path: str = "test.yaml", **settings) -> RunResult:  # type: ignore[no-untyped-def]
    """Check one in-memory file."""
    checker = Checker(Settings(**settings))
    return checker.check_loaded([load_file(path, text.encode("utf-8"))])


def triples(result: RunResult, rule: Optional[str] = None) -> List[Tuple[str, int, int]]:
    """(rule, line, column) of every active finding, in output order."""
    return [(f.rule, f.line, f.column) for f in result.active() if rule is None or f.rule == rule]


def lines(result: RunResult) -> List[str]:
    """Findings as `path:line:col: severity RULE message`, the golden-file form."""
    return [f"{f.path}:{f.line}:{f.column}: {f.severity.value} {f.rule} {f.message}" for f in result.active()]


def rules_fired(result: RunResult) -> Iterable[str]:
    return sorted({f.rule for f in result.active()})


def write_file(path: str, text: str) -> None:
    """Write `text` to `path`, making its directories."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: str, *args: str) -> str:
    """Run git in `repo` with a fixed identity and no user config; its stdout."""
    import subprocess

    completed = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                               env={**os.environ, **GIT_ENV})
    return completed.stdout


def commit_all(repo: str, message: str = "change") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def git_repo(path: "os.PathLike[str] | str", files: Dict[str, str], message: str = "init") -> str:
    """Make `path` (created if missing) a git repository whose first commit holds `files`
    (relative name -> text); that commit."""
    repo = os.fspath(path)
    os.makedirs(repo, exist_ok=True)
    git(repo, "init", "-q")
    for name, text in files.items():
        write_file(os.path.join(repo, name), text)
    return commit_all(repo, message)


class CliResult(NamedTuple):
    """What a command run in-process did: its exit code, what it wrote to stdout and to
    stderr, both as a terminal would show them (`output`), and an exception it raised."""

    exit_code: int
    stdout: str
    stderr: str
    output: str
    exception: Optional[BaseException]


class _Captured(io.BytesIO):
    """One stream's bytes, also copied to the shared `mixed` record (stdout and stderr
    interleaved as written)."""

    def __init__(self, mixed: io.BytesIO) -> None:
        super().__init__()
        self._mixed = mixed

    def write(self, data) -> int:  # type: ignore[no-untyped-def, override]
        self._mixed.write(data)
        return super().write(data)


class CliRunner:
    """Runs the command line in this process: `CliRunner().invoke(main, ["check", ...])` calls
    `kubelint.cli.main(args)` with stdin (from `input`), stdout and stderr replaced by UTF-8
    text streams over memory (not terminals, with a `.buffer` as the real ones have) and the
    environment updated by `env` (None removes a variable). Exceptions other than SystemExit
    are the result's `exception` (exit code 1), or raised with catch_exceptions=False."""

    def __init__(self, env: Optional[Dict[str, Optional[str]]] = None) -> None:
        self.env = dict(env or {})

    def invoke(self, main: Callable[[Sequence[str]], int], args: Sequence[str] = (),  # type: ignore[no-untyped-def]
               input: Union[str, bytes, None] = None, env: Optional[Dict[str, Optional[str]]] = None,
               catch_exceptions: bool = True) -> CliResult:
        data = input.encode("utf-8") if isinstance(input, str) else (input or b"")
        mixed = io.BytesIO()
        out, err = _Captured(mixed), _Captured(mixed)
        streams = (io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"),
                   io.TextIOWrapper(out, encoding="utf-8", write_through=True),
                   io.TextIOWrapper(err, encoding="utf-8", write_through=True))
        saved_streams = (sys.stdin, sys.stdout, sys.stderr)
        changes = {**self.env, **(env or {})}
        saved_env = {name: os.environ.get(name) for name in changes}
        exception: Optional[BaseException] = None
        sys.stdin, sys.stdout, sys.stderr = streams
        _set_environment(changes)
        try:
            exit_code: object = main(list(args))
        except SystemExit as exc:
            exit_code = exc.code
        except Exception as exc:  # noqa: BLE001 - the result says what it was
            if not catch_exceptions:
                raise
            exit_code, exception = 1, exc
        finally:
            for stream in streams[1:]:
                stream.flush()
            sys.stdin, sys.stdout, sys.stderr = saved_streams
            _set_environment(saved_env)
        if exit_code is None:
            exit_code = 0
        elif not isinstance(exit_code, int):  # sys.exit("message"): printed, exit 1, as Python does
            text = f"{exit_code}\n".encode("utf-8")
            err.write(text)
            exit_code = 1
        if exit_code and exception is None:
            exception = SystemExit(exit_code)
        return CliResult(exit_code, _text(out), _text(err), _text(mixed), exception)


def _text(stream: io.BytesIO) -> str:
    return stream.getvalue().decode("utf-8", errors="replace")


def _set_environment(values: Dict[str, Optional[str]]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def split_runner() -> CliRunner:
    """The command line runner; its results have stdout and stderr apart (and `output`, both)."""
    return CliRunner()


# A team's repository, as the context, kustomize and pre-commit tests stage it: a Deployment `api`
# (app=api, port 8080) in one file and, in another, the Service `api` in front of it plus a
# Deployment `worker` that no Service selects.
API_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: example/api:1.0
        ports:
        - containerPort: 8080
"""
API_SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector: {app: api}
  ports:
  - port: 80
    targetPort: 8080
"""
API_SERVICE_AND_WORKER = API_SERVICE + """\
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  selector:
    matchLabels: {app: worker}
  template:
    metadata:
      labels: {app: worker}
    spec:
      containers:
      - name: worker
        image: example/worker:1.0
"""


def web_deployment(containers: str) -> str:
    """A Deployment `web` (app=web) whose pod runs `containers`: YAML of the list (any
    indentation), written below `containers:` from line 13 on."""
    return """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
""" + textwrap.indent(textwrap.dedent(containers).rstrip("\n") + "\n", " " * 6)


def crd_yaml(kind: str, spec_schema: str, *, group: str = "example.com", plural: str = "",
             metadata: str = "") -> str:
    """A CustomResourceDefinition of `kind` in `group`, served and stored at v1, whose
    openAPIV3Schema is an object with the one property `spec`; `spec_schema` is YAML of that
    property's schema (any indentation). The metadata is `{name: <plural>.<group>}` on one line,
    or, when `metadata` is given, that YAML written as a block below `metadata:` (one line more
    per line of it). Without `metadata`, the CRD's `spec:` property is line 16."""
    plural = plural or kind.lower() + "s"
    if metadata:
        metadata = "\n" + textwrap.indent(textwrap.dedent(metadata), "  ").rstrip("\n")
    else:
        metadata = f" {{name: {plural}.{group}}}"
    return f"""\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:{metadata}
spec:
  group: {group}
  scope: Namespaced
  names: {{kind: {kind}, plural: {plural}}}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
""" + textwrap.indent(textwrap.dedent(spec_schema).rstrip("\n") + "\n", " " * 12)
