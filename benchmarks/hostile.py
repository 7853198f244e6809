"""Time and peak memory of `kubelint check` on each hostile input of issue 13, one process each.

    python benchmarks/hostile.py [--only NAME...] [--timeout SECONDS] [--kubelint CMD]

Each case builds its input in a temporary directory (local HTTP servers on 127.0.0.1 for the
remote-schema ones), runs kubelint once and prints wall time, peak RSS (ru_maxrss of the
process and the children it waited for), the exit code and the first line of stderr.
A case that runs past --timeout (default 120 s) is killed and reported as such. No gating:
this reports what the tests in tests/unit/test_hostile_*.py assert with smaller inputs.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from typing import Callable, Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\ndata:\n  a: b\n"

Case = Callable[[str], Tuple[List[str], Dict[str, str]]]  # work dir -> (arguments after `check`, env)
CASES: Dict[str, Case] = {}


def case(function: Case) -> Case:
    CASES[function.__name__.replace("_", "-")] = function
    return function


def write(path: str, text: str) -> str:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", errors="surrogatepass") as handle:
        handle.write(text)
    return path


@case
def alias_cycle(work: str):
    write(f"{work}/in/cycle.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: &a [*a]\n")
    write(f"{work}/in/ok.yaml", MANIFEST)
    return [f"{work}/in"], {}


@case
def fifo(work: str):
    os.makedirs(f"{work}/in")
    os.mkfifo(f"{work}/in/pipe.yaml")
    write(f"{work}/in/ok.yaml", MANIFEST)
    return [f"{work}/in"], {}


@case
def dev_zero(work: str):
    os.makedirs(f"{work}/in")
    os.symlink("/dev/zero", f"{work}/in/zero.yaml")
    write(f"{work}/in/ok.yaml", MANIFEST)
    return [f"{work}/in"], {}


@case
def file_200mb(work: str):
    os.makedirs(f"{work}/in")
    with open(f"{work}/in/big.yaml", "wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: 200 MB of NUL bytes
    return [f"{work}/in"], {}


@case
def helm_braces(work: str):
    write(f"{work}/in/t.yaml", "a: b\n" + "{" * 80_000 + "\n: : :\n")
    return [f"{work}/in"], {}


@case
def source_spaces(work: str):
    write(f"{work}/in/t.yaml", "# Source: a" + " " * 80_000 + "b\n" + MANIFEST)
    return [f"{work}/in"], {}


@case
def many_alias_documents(work: str):
    doc = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n"
           "  a: &a [x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
           "  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n")
    write(f"{work}/in/many.yaml", "---\n".join([doc] * 2000))
    return [f"{work}/in"], {}


@case
def crd_200k_properties(work: str):
    properties = {f"p{i}": {"type": "string"} for i in range(200_000)}
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "things.example.com"},
           "spec": {"group": "example.com", "scope": "Namespaced",
                    "names": {"kind": "Thing", "plural": "things", "singular": "thing", "listKind": "ThingList"},
                    "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                        "type": "object", "properties": {"spec": {"type": "object", "properties": properties}}}}}]}}
    write(f"{work}/in/crd.json", json.dumps(crd))
    return [f"{work}/in", "--max-file-size", str(100 * 1024 * 1024)], {}


@case
def crd_490_allof(work: str):
    node: dict = {"type": "string"}
    for _ in range(490):
        node = {"allOf": [node]}
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "things.example.com"},
           "spec": {"group": "example.com", "scope": "Namespaced",
                    "names": {"kind": "Thing", "plural": "things"},
                    "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                        "type": "object", "properties": {"spec": node}}}}]}}
    write(f"{work}/in/crd.json", json.dumps(crd))
    return [f"{work}/in"], {}


@case
def schema_dir_traversal(work: str):
    secret = write(f"{work}/home/.docker/config.json", json.dumps({"auths": {"r": {"auth": "SECRET-TOKEN"}}}))
    write(f"{work}/w/trav/evil.json", json.dumps({"type": "object", "properties": {
        "spec": {"$ref": secret + "#/auths/r"}}}))
    os.makedirs(f"{work}/schemas/a/b")
    write(f"{work}/in/x.yaml", "apiVersion: v1\nkind: ../../w/trav/evil\nmetadata: {name: x}\nspec: 1\n")
    return [f"{work}/in", "--schema-location", f"{work}/schemas/a/b/{{{{ .ResourceKind }}}}.json"], {}


@case
def url_template_escape(work: str):
    server = serve({"/other/x.json": b'{"type": "object"}'}, redirect_to=None)
    write(f"{work}/in/x.yaml", "apiVersion: v1\nkind: '..%2F..%2Fother%2Fx#'\nmetadata: {name: x}\n")
    return [f"{work}/in", "--schema-location",
            f"http://127.0.0.1:{server}/schemas/{{{{ .ResourceKind }}}}.json"], {"KUBELINT_CACHE_DIR": f"{work}/cache"}


@case
def url_redirect_elsewhere(work: str):
    internal = serve({"/secret.json": b'{"type": "object", "properties": {"spec": {"const": "INTERNAL"}}}'})
    front = serve({}, redirect_to=f"http://localhost:{internal}/secret.json")
    write(f"{work}/in/x.yaml", "apiVersion: v1\nkind: Thing\nmetadata: {name: x}\nspec: 1\n")
    return [f"{work}/in", "--schema-location", f"http://127.0.0.1:{front}/{{{{ .ResourceKind }}}}.json"], \
        {"KUBELINT_CACHE_DIR": f"{work}/cache"}


@case
def download_3gb(work: str):
    port = serve({}, endless=True)
    write(f"{work}/in/x.yaml", "apiVersion: v1\nkind: Thing\nmetadata: {name: x}\n")
    return [f"{work}/in", "--schema-location", f"http://127.0.0.1:{port}/{{{{ .ResourceKind }}}}.json"], \
        {"KUBELINT_CACHE_DIR": f"{work}/cache"}


@case
def download_drip(work: str):
    port = serve({}, drip=True)
    write(f"{work}/in/x.yaml", "apiVersion: v1\nkind: Thing\nmetadata: {name: x}\n")
    return [f"{work}/in", "--schema-location", f"http://127.0.0.1:{port}/{{{{ .ResourceKind }}}}.json"], \
        {"KUBELINT_CACHE_DIR": f"{work}/cache"}


@case
def nesting_260(work: str):
    node: dict = {}
    top = node
    for _ in range(260):
        node["a"] = {}
        node = node["a"]
    write(f"{work}/in/deep.json", json.dumps({"apiVersion": "v1", "kind": "ConfigMap",
                                              "metadata": {"name": "x"}, "data": top}))
    return [f"{work}/in"], {}


@case
def lone_surrogate(work: str):
    write(f"{work}/in/s.json", '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a\\ud800"},'
                               ' "data": {"k\\udc80": "v"}}')
    return [f"{work}/in"], {}


@case
def config_alias_bomb(work: str):
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefghij"):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{'abcdefghij'[i]}"] * 10) + "]")
    write(f"{work}/.kubelint.yaml", "strict:\n  " + "\n  ".join(levels) + "\n")
    write(f"{work}/in/ok.yaml", MANIFEST)
    return [f"{work}/in", "--config", f"{work}/.kubelint.yaml"], {}


@case
def jobs_1000(work: str):
    for i in range(2000):
        write(f"{work}/in/f{i}.yaml", MANIFEST.replace("name: ok", f"name: f{i}"))
    return [f"{work}/in", "-j", "1000"], {}


@case
def ascii_stdout(work: str):
    write(f"{work}/in/x.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\u00e9}\ndata: {a: 1}\n")
    return [f"{work}/in"], {"PYTHONIOENCODING": "ascii"}


@case
def forged_annotation(work: str):
    write(f"{work}/in/x.yaml", 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "x\\n::error file=README.md,'
                               'line=1::forged\\x1b]0;title\\x07"\ndata: {a: 1}\n')
    return [f"{work}/in", "--format", "text"], {}


@case
def missing_schema_dir(work: str):
    write(f"{work}/in/x.yaml", MANIFEST)
    return [f"{work}/in", "--schema-location", f"{work}/nope", "--ignore-missing-schemas"], {}


@case
def big_control_bytes(work: str):
    write(f"{work}/in/x.yaml", MANIFEST + "  c: '" + "x" * 9000 + "\x1b'\n")
    return [f"{work}/in"], {}


# -- local servers --------------------------------------------------------------------------


def serve(files: Dict[str, bytes], redirect_to: Optional[str] = None, endless: bool = False,
          drip: bool = False) -> int:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            if redirect_to is not None:
                self.send_response(302)
                self.send_header("Location", redirect_to)
                self.end_headers()
                return
            if endless or drip:
                self.send_response(200)
                self.end_headers()
                chunk = b" " * 65536
                try:
                    for _ in range(3 * 1024 * 1024 * 1024 // 65536):
                        if drip:
                            self.wfile.write(b" ")
                            self.wfile.flush()
                            time.sleep(1)
                        else:
                            self.wfile.write(chunk)
                except OSError:
                    pass
                return
            body = files.get(self.path.split("?")[0])
            self.send_response(200 if body is not None else 404)
            self.end_headers()
            if body is not None:
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


# Commands are started by a small launcher process made before any input is built: Linux keeps
# ru_maxrss across exec, so a child forked from this (grown) process would report our size.
LAUNCHER = r"""
import json, os, signal, subprocess, sys, tempfile, time
for line in sys.stdin:
    request = json.loads(line)
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(request["command"], stdout=subprocess.DEVNULL, stderr=err,
                                   env={**os.environ, **request["env"]}, start_new_session=True)
        code = None
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                break
            if time.perf_counter() > start + request["timeout"]:
                os.killpg(process.pid, signal.SIGKILL)
                _, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.02)
        process.returncode = -9 if code is None else code
        elapsed = time.perf_counter() - start
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
    print(json.dumps([elapsed, usage.ru_maxrss / 1024, code, lines[-1] if lines else ""]), flush=True)
"""


class Launcher:
    def __init__(self) -> None:
        self._process = subprocess.Popen([sys.executable, "-c", LAUNCHER], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True)

    def measure(self, command: List[str], env: Dict[str, str], timeout: float
                ) -> Tuple[float, float, Optional[int], str]:
        """(seconds, peak MiB, exit code or None when killed, last stderr line)."""
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(json.dumps({"command": command, "env": env, "timeout": timeout}) + "\n")
        self._process.stdin.flush()
        seconds, peak, code, line = json.loads(self._process.stdout.readline())
        return seconds, peak, code, line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(CASES), default=None)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--kubelint", default=os.path.join(os.path.dirname(sys.executable), "kubelint"))
    args = parser.parse_args()
    launcher = Launcher()
    print(f"{'case':<24} {'seconds':>8} {'peak MiB':>9} {'exit':>5}  last stderr line")
    for name in args.only or CASES:
        with tempfile.TemporaryDirectory(prefix="kubelint-hostile-") as work:
            arguments, env = CASES[name](work)
            seconds, peak, code, line = launcher.measure(shlex.split(args.kubelint) + ["check", *arguments], env, args.timeout)
            shown = "kill" if code is None else str(code)
            print(f"{name:<24} {seconds:>8.2f} {peak:>9.1f} {shown:>5}  {line[:90]}", flush=True)


if __name__ == "__main__":
    main()
