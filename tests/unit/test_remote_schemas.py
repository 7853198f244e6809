"""Schema locations: kubeconform templates, directories, and downloads through the disk cache,
served from a local HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

from kubelint.cli import main
from kubelint.config import ConfigError
from kubelint.input.loader import load_file
from kubelint.run.engine import Checker, RunResult, Settings
from kubelint.schemas.cache import DiskCache
from kubelint.schemas.remote import parse_location, placeholder_values
from kubelint.schemas.store import SchemaStore
from tests.helpers import CliRunner

CATALOG = "{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"

SERVICE_MONITOR_SCHEMA = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "type": "object",
    "required": ["spec"],
    "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "jobLabel": {"type": "string"},
                "endpoints": {"type": "array", "items": {
                    "type": "object", "additionalProperties": False,
                    "properties": {"port": {"type": "string"}, "interval": {"type": "string", "pattern": "^[0-9]+s$"},
                                   "scrapeTimeout": {"type": "string"}}}},
                "sampleLimit": {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
            },
        },
    },
}

SERVICE_MONITOR = """\
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: web
spec:
  jobLabel: app
  endpoints:
  - port: http
    intervall: 30s
  sampleLimit: 0
"""
TYPO_LINE, TYPO_COLUMN = 9, 5
SCHEMA_PATH = "/monitoring.coreos.com/servicemonitor_v1.json"
POD_MONITOR = "apiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata: {name: p}\nspec: {}\n"


class Route:
    def __init__(self, body: Any = None, status: int = 200, etag: Optional[str] = None,
                 last_modified: Optional[str] = None, delay: float = 0.0,
                 failures: int = 0) -> None:
        self.body = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        self.status, self.etag, self.last_modified, self.delay, self.failures = status, etag, last_modified, delay, failures


class SchemaServer:
    """A tiny schema host: routes by path, records every request (path, headers, status)."""

    def __init__(self) -> None:
        self.routes: Dict[str, Route] = {}
        self.requests: List[Tuple[str, Dict[str, str], int]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                route = server.routes.get(self.path)
                status, body, headers = 404, b"not found", {}
                if route is not None:
                    if route.failures > 0:
                        route.failures -= 1
                        status, body = 503, b"busy"
                    elif route.etag and self.headers.get("If-None-Match") == route.etag or (
                            route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified):
                        status, body = 304, b""
                    else:
                        status, body = route.status, route.body or b""
                    if route.etag:
                        headers["ETag"] = route.etag
                    if route.last_modified:
                        headers["Last-Modified"] = route.last_modified
                server.requests.append((self.path, dict(self.headers), status))
                if route is not None and route.delay:
                    time.sleep(route.delay)
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if status != 304:
                        self.wfile.write(body)
                except OSError:  # the client gave up (timeout test)
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def hits(self, path: str) -> List[int]:
        return [status for p, _, status in self.requests if p == path]

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    schema_server = SchemaServer()
    yield schema_server
    schema_server.stop()


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("KUBELINT_CACHE_DIR", str(directory))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    return directory


def check(text: str, locations: List[str], configure: Optional[Callable[[SchemaStore], None]] = None,
          **settings: Any) -> Tuple[RunResult, SchemaStore]:
    settings.setdefault("select", ["KL1"])
    checker = Checker(Settings(schema_locations=locations, **settings))
    downloader = checker.store.downloader
    downloader.timeout, downloader.backoff = 2.0, 0.01  # fast tests
    if configure is not None:
        configure(checker.store)
    return checker.check_loaded([load_file("test.yaml", text.encode())]), checker.store


def findings(result: RunResult) -> List[Tuple[str, int, int, str]]:
    return [(f.rule, f.line, f.column, f.message) for f in result.active()]


# -- templates -------------------------------------------------------------------------------

def test_placeholders_are_filled_as_kubeconform_fills_them():
    assert placeholder_values("apps/v1", "Deployment", "1.37.0", True) == {
        "ResourceKind": "deployment", "ResourceAPIVersion": "v1", "Group": "apps", "KindSuffix": "-apps-v1",
        "NormalizedKubernetesVersion": "v1.37.0", "StrictSuffix": "-strict"}
    core = placeholder_values("v1", "Service", "1.30.2", False)
    assert (core["KindSuffix"], core["Group"], core["StrictSuffix"]) == ("-v1", "v1", "")
    assert placeholder_values("monitoring.coreos.com/v1", "ServiceMonitor", "1.37.0", True)["KindSuffix"] == "-monitoring-v1"


def test_crds_catalog_layout_and_kubeconform_default_layout():
    catalog = parse_location("https://example.com/catalog/" + CATALOG)
    assert catalog.render("monitoring.coreos.com/v1", "ServiceMonitor", "1.37.0", True) == \
        "https://example.com/catalog/monitoring.coreos.com/servicemonitor_v1.json"
    plain = parse_location("https://example.com/k8s-schemas/")  # no "json" suffix: kubeconform's layout
    assert plain.render("apps/v1", "Deployment", "1.37.0", True) == \
        "https://example.com/k8s-schemas/v1.37.0-standalone-strict/deployment-apps-v1.json"
    assert parse_location("default") is None


def test_unknown_placeholder_is_a_usage_error():
    with pytest.raises(ConfigError, match=r"\{\{ .Kind \}\} is not a placeholder"):
        SchemaStore("1.37", locations=["https://example.com/{{ .Kind }}.json"])
    result = CliRunner().invoke(main, ["check", "--no-config", "--schema-location", "x/{{ .Nope }}.json",
                                       os.devnull])
    assert result.exit_code == 2


def test_normalized_kubernetes_version_keeps_the_patch_given():
    assert SchemaStore("1.30.4").full_version == "1.30.4"
    assert SchemaStore("v1.30").full_version == "1.30.0"


# -- downloads and the cache ------------------------------------------------------------------

def test_downloaded_schema_validates_with_positions(server):
    server.routes[SCHEMA_PATH] = Route(SERVICE_MONITOR_SCHEMA)
    result, store = check(SERVICE_MONITOR, [server.url + "/" + CATALOG])
    assert findings(result) == [
        ("KL102", TYPO_LINE, TYPO_COLUMN, 'spec.endpoints[0]: unknown field "intervall", did you mean "interval"?'),
        ("KL101", 10, 16, "spec.sampleLimit: 0 must be greater than 0"),
    ]
    assert store.resolve("monitoring.coreos.com/v1", "ServiceMonitor").source == server.url + SCHEMA_PATH
    assert store.notices == []


def test_cache_hit_makes_no_request(server, cache_dir):
    server.routes[SCHEMA_PATH] = Route(SERVICE_MONITOR_SCHEMA, etag='"v1"')
    check(SERVICE_MONITOR, [server.url + "/" + CATALOG])
    assert server.hits(SCHEMA_PATH) == [200]
    second, _ = check(SERVICE_MONITOR, [server.url + "/" + CATALOG])
    assert server.hits(SCHEMA_PATH) == [200]  # no second request
    assert ("KL102", TYPO_LINE, TYPO_COLUMN) in [f[:3] for f in findings(second)]
    assert len([name for name in os.listdir(cache_dir / "schemas") if name.endswith(".body")]) == 1


def test_expired_entry_is_revalidated_with_its_etag(server):
    server.routes[SCHEMA_PATH] = Route(SERVICE_MONITOR_SCHEMA, etag='"v1"')
    check(SERVICE_MONITOR, [server.url + "/" + CATALOG])
    cache = DiskCache()
    first = cache.get(server.url + SCHEMA_PATH)
    time.sleep(0.01)
    result, store = check(SERVICE_MONITOR, [server.url + "/" + CATALOG], cache_ttl=0)
    assert server.hits(SCHEMA_PATH) == [200, 304]
    assert server.requests[-1][1].get("If-None-Match") == '"v1"'
    assert cache.get(server.url + SCHEMA_PATH).fetched_at > first.fetched_at  # 304 refreshed the time
    assert ("KL102", TYPO_LINE, TYPO_COLUMN) in [f[:3] for f in findings(result)]
    assert store.notices == []


def test_expired_entry_is_revalidated_with_last_modified(server):
    stamp = "Wed, 21 Oct 2026 07:28:00 GMT"
    server.routes[SCHEMA_PATH] = Route(SERVICE_MONITOR_SCHEMA, last_modified=stamp)
    check(SERVICE_MONITOR, [server.url + "/" + CATALOG])
    check(SERVICE_MONITOR, [server.url + "/" + CATALOG], cache_ttl=0)
    assert server.hits(SCHEMA_PATH) == [200, 304]
    assert server.requests[-1][1].get("If-Modified-Since") == stamp


def test_expiry_by_the_clock(server, monkeypatch):
    server.routes[SCHEMA_PATH] = Route(SERVICE_MONITOR_SCHEMA, etag='"v1"')
    check(SERVICE_MONITOR, [server.url + "/" + CATALOG])
    check(SERVICE_MONITOR, [server.url + "/" + CATALOG])
    assert server.hits(SCHEMA_PATH) == [200]
    later = time.time() + 86400 + 60  # one day and a minute: the default time-to-live has passed
    monkeypatch.setattr(time, "time", lambda: later)
    check(SERVICE_MONITOR, [server.url + "/" + CATALOG])
    assert server.hits(SCHEMA_PATH) == [200, 304]


def test_network_failure_uses_the_expired_copy_with_a_notice(server):
    server.routes[SCHEMA_PATH] = Route(SERVICE_MONITOR_SCHEMA)
    location = server.url + "/" + CATALOG
    check(SERVICE_MONITOR, [location])
    server.stop()
    result, store = check(SERVICE_MONITOR, [location], cache_ttl=0,
                          configure=lambda s: setattr(s.downloader, "retries", 0))
    assert ("KL102", TYPO_LINE, TYPO_COLUMN) in [f[:3] for f in findings(result)]
    assert len(store.notices) == 1
    assert store.notices[0].startswith(server.url + SCHEMA_PATH + ": ")
    assert "using the cached copy from" in store.notices[0]
    assert not [f for f in result.active() if f.rule == "KL109"]


def test_offline_never_touches_the_network(server):
    server.routes[SCHEMA_PATH] = Route(SERVICE_MONITOR_SCHEMA)
    location = server.url + "/" + CATALOG
    check(SERVICE_MONITOR, [location])
    result, store = check(SERVICE_MONITOR + "---\n" + POD_MONITOR, [location], offline=True, cache_ttl=0)
    assert server.hits(SCHEMA_PATH) == [200]
    assert server.hits("/monitoring.coreos.com/podmonitor_v1.json") == []
    assert [f[:3] for f in findings(result)][0] == ("KL102", TYPO_LINE, TYPO_COLUMN)
    assert findings(result)[-1] == (
        "KL106", 13, 7, f"no schema for PodMonitor monitoring.coreos.com/v1 at any schema location ({location}) "
                        "(a custom resource: give its CRD with --crd, or a --schema-location that has its schema)")
    assert store.notices == [f"offline: {server.url}/monitoring.coreos.com/podmonitor_v1.json is not in the cache "
                             f"(fetch it with `kubelint schemas pull URL`); other schemas from {location} may be "
                             "missing too"]


def test_404_tries_the_next_location_and_is_remembered(server):
    server.routes["/second/servicemonitor-monitoring-v1.json"] = Route(SERVICE_MONITOR_SCHEMA)
    locations = [server.url + "/first/" + CATALOG, server.url + "/second/{{ .ResourceKind }}{{ .KindSuffix }}.json"]
    result, store = check(SERVICE_MONITOR, locations)
    assert ("KL102", TYPO_LINE, TYPO_COLUMN) in [f[:3] for f in findings(result)]
    assert server.hits("/first" + SCHEMA_PATH) == [404]  # asked once, not retried
    check(SERVICE_MONITOR, locations)
    assert server.hits("/first" + SCHEMA_PATH) == [404]  # the 404 is cached for a while
    assert store.notices == []


def test_no_schema_anywhere_is_a_warning_naming_the_locations(server):
    location = server.url + "/" + CATALOG
    result, _ = check(POD_MONITOR, [location])
    assert findings(result) == [("KL106", 2, 7, f"no schema for PodMonitor monitoring.coreos.com/v1 at any schema "
                                                f"location ({location}) (a custom resource: give its CRD with "
                                                "--crd, or a --schema-location that has its schema)")]
    quiet, _ = check(POD_MONITOR, [location], ignore_missing_schemas=True)
    assert findings(quiet) == []


def test_timeout_is_one_error_per_location_and_checking_goes_on(server):
    server.routes[SCHEMA_PATH] = Route(SERVICE_MONITOR_SCHEMA, delay=1.0)
    server.routes["/monitoring.coreos.com/podmonitor_v1.json"] = Route(SERVICE_MONITOR_SCHEMA, delay=1.0)
    location = server.url + "/" + CATALOG
    deployment = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 1, "
                  "selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, "
                  "spec: {containers: [{name: c, image: i}]}}}\n")

    def fast(store: SchemaStore) -> None:
        store.downloader.timeout, store.downloader.retries = 0.2, 1

    started = time.monotonic()
    result, store = check(SERVICE_MONITOR + "---\n" + POD_MONITOR + "---\n" + deployment,
                          [location, "default"], configure=fast)
    assert time.monotonic() - started < 3
    message = (f"schema location {location}: {server.url}{SCHEMA_PATH}: timed out (no answer within 0.2 s)")
    # One error for the location; objects it left unvalidated get no KL106 each on top.
    assert findings(result) == [("KL109", 2, 7, message)]
    assert store.notices == [message + " (objects that need it are not validated against it)"]
    assert len(server.hits(SCHEMA_PATH)) == 2  # one retry
    assert server.hits("/monitoring.coreos.com/podmonitor_v1.json") == []  # the host is down for this run


def test_server_errors_are_retried(server):
    server.routes[SCHEMA_PATH] = Route(SERVICE_MONITOR_SCHEMA, failures=1)
    result, store = check(SERVICE_MONITOR, [server.url + "/" + CATALOG])
    assert server.hits(SCHEMA_PATH) == [503, 200]
    assert ("KL102", TYPO_LINE, TYPO_COLUMN) in [f[:3] for f in findings(result)]


def test_invalid_json_is_one_error_and_is_not_cached(server):
    server.routes[SCHEMA_PATH] = Route(b"{not json")
    location = server.url + "/" + CATALOG
    result, store = check(SERVICE_MONITOR + "---\n" + SERVICE_MONITOR, [location])
    message = (f"schema location {location}: {server.url}{SCHEMA_PATH}: not valid JSON "
               "(Expecting property name enclosed in double quotes at line 1 column 2)")
    assert findings(result) == [("KL109", 2, 7, message)]
    assert store.notices == [message + " (objects that need it are not validated against it)"]
    check(SERVICE_MONITOR, [location])
    assert server.hits(SCHEMA_PATH) == [200, 200]  # asked again next run


def test_a_schema_that_is_not_a_json_schema_is_reported(server):
    server.routes[SCHEMA_PATH] = Route({"type": "object", "properties": {"spec": {"type": 12}}})
    result, _ = check(SERVICE_MONITOR, [server.url + "/" + CATALOG])
    [(rule, line, column, message)] = findings(result)
    assert (rule, line, column) == ("KL109", 2, 7)
    # Where, never what: the document's values stay out of findings (issue 13).
    assert message == (f"schema location {server.url}/{CATALOG}: {server.url}{SCHEMA_PATH}: "
                       "not a valid JSON Schema (at properties.spec.type)")


def test_references_to_sibling_documents_are_followed(server):
    definitions = {"definitions": {
        "io.k8s.api.apps.v1.Deployment": {"type": "object", "additionalProperties": False, "properties": {
            "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"},
            "spec": {"$ref": "#/definitions/io.k8s.api.apps.v1.DeploymentSpec"}}},
        "io.k8s.api.apps.v1.DeploymentSpec": {"type": "object", "additionalProperties": False,
                                              "properties": {"replicas": {"type": "integer"}}}}}
    server.routes["/v1.37.0/deployment-apps-v1.json"] = Route(
        {"$ref": "_definitions.json#/definitions/io.k8s.api.apps.v1.Deployment"})
    server.routes["/v1.37.0/_definitions.json"] = Route(definitions)
    text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: two\n  replica: 2\n"
    result, _ = check(text, [server.url + "/{{ .NormalizedKubernetesVersion }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"])
    assert findings(result) == [
        ("KL101", 5, 13, 'spec.replicas: expected integer, got string "two"'),
        ("KL102", 6, 3, 'spec: unknown field "replica", did you mean "replicas"?'),
    ]


def test_default_means_the_bundled_schemas_in_order(server):
    server.routes[SCHEMA_PATH] = Route(SERVICE_MONITOR_SCHEMA)
    deployment = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 1, "
                  "selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, "
                  "spec: {containers: [{name: c, image: i}]}}}\n")
    result, store = check(deployment + "---\n" + SERVICE_MONITOR, ["default", server.url + "/" + CATALOG])
    assert server.requests == [(SCHEMA_PATH, server.requests[0][1], 200)]  # only the custom resource
    assert store.resolve("apps/v1", "Deployment").source == "bundled"


def test_directory_locations(tmp_path):
    catalog = tmp_path / "catalog" / "monitoring.coreos.com"
    catalog.mkdir(parents=True)
    (catalog / "servicemonitor_v1.json").write_text(json.dumps(SERVICE_MONITOR_SCHEMA))
    result, _ = check(SERVICE_MONITOR, [str(tmp_path / "catalog" / CATALOG)])
    assert ("KL102", TYPO_LINE, TYPO_COLUMN) in [f[:3] for f in findings(result)]
    # A directory without a template gets kubeconform's layout (strict by default).
    layout = tmp_path / "k8s" / "v1.37.0-standalone-strict"
    layout.mkdir(parents=True)
    (layout / "servicemonitor-monitoring-v1.json").write_text(json.dumps(SERVICE_MONITOR_SCHEMA))
    result, _ = check(SERVICE_MONITOR, [str(tmp_path / "k8s")])
    assert ("KL102", TYPO_LINE, TYPO_COLUMN) in [f[:3] for f in findings(result)]
    (layout / "podmonitor-monitoring-v1.json").write_text("[1, 2")
    broken, _ = check(POD_MONITOR, [str(tmp_path / "k8s")])
    assert [f[0] for f in findings(broken)] == ["KL109"]
    assert "not valid JSON" in findings(broken)[0][3]


def test_schemas_pull_fills_the_cache_for_offline_checks(server):
    server.routes["/v1.37.0/deployment-apps-v1.json"] = Route(
        {"$ref": "_definitions.json#/definitions/Deployment"})
    server.routes["/v1.37.0/_definitions.json"] = Route({"definitions": {"Deployment": {
        "type": "object", "properties": {"spec": {"type": "object", "additionalProperties": False}}}}})
    server.routes[SCHEMA_PATH] = Route(SERVICE_MONITOR_SCHEMA)
    runner = CliRunner()
    pulled = runner.invoke(main, ["schemas", "pull", server.url + "/v1.37.0/deployment-apps-v1.json",
                                  server.url + SCHEMA_PATH])
    assert pulled.exit_code == 0, pulled.output
    lines = pulled.output.splitlines()
    assert [line.split()[1] for line in lines] == [server.url + "/v1.37.0/deployment-apps-v1.json",
                                                   server.url + SCHEMA_PATH,
                                                   server.url + "/v1.37.0/_definitions.json"]
    assert all(line.startswith("cached ") for line in lines)
    server.stop()
    text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 1}\n---\n" + SERVICE_MONITOR
    result, store = check(text, [server.url + "/{{ .NormalizedKubernetesVersion }}/{{ .ResourceKind }}{{ .KindSuffix }}.json",
                                 server.url + "/" + CATALOG], offline=True)
    assert [f[:3] for f in findings(result)] == [("KL102", 4, 8), ("KL102", 5 + TYPO_LINE, TYPO_COLUMN),
                                                ("KL101", 5 + 10, 16)]


def test_schemas_pull_fails_with_exit_2(server):
    result = CliRunner().invoke(main, ["schemas", "pull", server.url + "/missing.json"])
    assert result.exit_code == 2
    assert f"{server.url}/missing.json: not found (HTTP 404)" in result.output


def test_cache_entries_are_written_atomically_and_checked(tmp_path):
    from kubelint.schemas.cache import Entry

    cache = DiskCache(str(tmp_path))
    cache.put(Entry("http://x/a.json", 100.0, b"{}", '"e"', None))
    assert cache.get("http://x/a.json").body == b"{}"
    body = cache.path_for("http://x/a.json")
    with open(body, "wb") as handle:  # a body that does not match its metadata is not used
        handle.write(b"{torn")
    assert cache.get("http://x/a.json") is None
    assert [n for n in os.listdir(tmp_path / "schemas") if n.startswith(".tmp")] == []


@pytest.mark.subprocess
def test_bundled_only_check_does_not_import_requests():
    import subprocess
    import sys

    code = ("import sys, kubelint.cli as c\n"
            "from kubelint.run.engine import Checker, Settings\n"
            "from kubelint.input.loader import load_file\n"
            "Checker(Settings()).check_loaded([load_file('x.yaml', b'apiVersion: v1\\nkind: Service\\nmetadata: {name: s}\\n')])\n"
            "print('requests' in sys.modules, 'kubelint.schemas.download' in sys.modules)")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.split() == ["False", "False"]
