"""Shared test helpers: run a check in-process and get findings as comparable tuples."""

from __future__ import annotations

import os
import textwrap
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

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


def split_runner():  # type: ignore[no-untyped-def]
    """A click CliRunner whose result has stdout and stderr apart (click 8.0-8.1 need asking)."""
    from click.testing import CliRunner

    try:
        return CliRunner(mix_stderr=False)
    except TypeError:  # click 8.2+: always apart
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
