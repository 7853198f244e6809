"""Issue 13, class 2 (and the locations of class 5): schema locations never leave their root.

Placeholder values taken from a manifest cannot steer a location elsewhere, `$ref`s stay in
the same directory tree or origin, redirects stay on the origin, private networks are reached
only by locations that are themselves private, downloads have a size cap and a total
deadline, and a broken document's values never reach a message. Servers are local
(127.0.0.1); nothing here touches the internet."""

from __future__ import annotations

import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kubelint.cli import main
from kubelint.config import ConfigError
from kubelint.schemas.download import Downloader, is_private_host
from kubelint.schemas.remote import parse_location
from kubelint.schemas.store import SchemaStore
from tests.helpers import CliRunner
from tests.unit.test_remote_schemas import Route, SchemaServer, check, findings

SECRET = "SECRET-TOKEN-4f1c"
THING = "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: t}\nspec: 1\n"


@pytest.fixture
def server():
    schema_server = SchemaServer()
    yield schema_server
    schema_server.stop()


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("KUBELINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def secret_file(tmp_path) -> str:
    path = tmp_path / "home" / ".docker" / "config.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"auths": {"registry": {"auth": SECRET}}}))
    return str(path)


def every_format(result) -> str:
    from kubelint.cli import render

    return "".join(render(result, name, False, None) for name in ("text", "json", "github", "sarif", "junit"))


# -- placeholder values ------------------------------------------------------------------------

def test_a_kind_with_dot_dot_cannot_read_outside_the_schema_directory(tmp_path):
    """The issue's example: `kind: ../../w/trav/evil` reached a JSON file whose $ref read a
    registry token, which was printed in the finding."""
    secret = secret_file(tmp_path)
    (tmp_path / "w" / "trav").mkdir(parents=True)
    (tmp_path / "w" / "trav" / "evil.json").write_text(json.dumps(
        {"type": "object", "properties": {"spec": {"$ref": secret + "#/auths/registry"}}}))
    (tmp_path / "schemas" / "a" / "b").mkdir(parents=True)
    location = str(tmp_path / "schemas" / "a" / "b" / "{{ .ResourceKind }}.json")
    text = THING.replace("kind: Thing", "kind: ../../w/trav/evil")
    result, store = check(text, [location])
    assert findings(result) == [("KL109", 2, 7, f"schema location {location}: {{{{ .ResourceKind }}}} would be "
                                                '"../../w/trav/evil" for this object, which contains "..": '
                                                "refused, as it would reach outside the location")]
    assert SECRET not in every_format(result) and store.notices == []


@pytest.mark.parametrize("kind, bad", [("a/b", "/"), ("a\\\\b", "\\\\"), ("a?x=1", "?"), ("a#b", "#"),
                                        ("%2e%2e", "%"), ("a\x1bb", "\\u001b"), ("..", "..")])
def test_placeholder_values_that_could_leave_the_location_are_refused(kind, bad):
    location = parse_location("https://example.com/schemas/{{ .ResourceKind }}.json")
    refused = location.refused_value("v1", kind, "1.37.0", True)
    assert refused is not None and f'which contains "{bad}"' in refused
    assert location.refused_value("monitoring.coreos.com/v1", "ServiceMonitor", "1.37.0", True) is None


def test_an_api_version_cannot_steer_the_group_placeholder(server):
    location = server.url + "/{{ .Group }}/{{ .ResourceKind }}.json"
    text = THING.replace("example.com/v1", "..%2f/v1")
    result, _ = check(text, [location])
    assert [(f[0], f[1]) for f in findings(result)] == [("KL109", 2)]
    assert server.requests == []


# -- $ref confinement --------------------------------------------------------------------------

def test_a_ref_to_a_file_outside_the_location_is_not_followed(tmp_path):
    secret = secret_file(tmp_path)
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "thing.json").write_text(json.dumps(
        {"type": "object", "properties": {"spec": {"$ref": secret + "#/auths/registry"}}}))
    location = str(tmp_path / "schemas" / "{{ .ResourceKind }}.json")
    result, store = check(THING, [location])
    [(rule, line, column, message)] = findings(result)
    assert (rule, line, column) == ("KL109", 2, 7)
    assert message.endswith(f"$ref to {secret}: only documents under {tmp_path / 'schemas'} are followed")
    assert SECRET not in every_format(result) and SECRET not in " ".join(store.notices)


def test_a_ref_from_a_directory_location_to_a_url_is_not_followed(tmp_path, server):
    (tmp_path / "thing.json").write_text(json.dumps({"$ref": server.url + "/x.json"}))
    result, _ = check(THING, [str(tmp_path / "{{ .ResourceKind }}.json")])
    assert "only documents under" in findings(result)[0][3] and server.requests == []


def test_a_symlink_out_of_the_location_is_refused(tmp_path):
    secret = secret_file(tmp_path)
    (tmp_path / "schemas").mkdir()
    os.symlink(secret, tmp_path / "schemas" / "thing.json")
    result, _ = check(THING, [str(tmp_path / "schemas" / "{{ .ResourceKind }}.json")])
    [(rule, _, _, message)] = findings(result)
    assert rule == "KL109" and "(a symbolic link?): refused" in message and SECRET not in message


def test_refs_within_the_directory_tree_are_followed(tmp_path):
    (tmp_path / "defs").mkdir()
    (tmp_path / "defs" / "spec.json").write_text(json.dumps({"type": "string"}))
    (tmp_path / "thing.json").write_text(json.dumps({"type": "object", "properties": {
        "spec": {"$ref": "defs/spec.json"}}}))
    result, _ = check(THING, [str(tmp_path / "{{ .ResourceKind }}.json")])
    assert findings(result) == [("KL101", 4, 7, "spec: expected string, got integer 1")]


def test_a_ref_to_another_origin_is_not_fetched(server):
    other = SchemaServer()
    try:
        other.routes["/secret.json"] = Route({"type": "object"})
        server.routes["/thing.json"] = Route({"type": "object", "properties": {
            "spec": {"$ref": other.url + "/secret.json"}}})
        result, _ = check(THING, [server.url + "/{{ .ResourceKind }}.json"])
        assert findings(result)[0][3].endswith(f"$ref to {other.url}/secret.json: only documents of the same "
                                               "origin are followed")
        assert other.requests == []
    finally:
        other.stop()


def test_schema_problems_name_where_never_what(server):
    server.routes["/thing.json"] = Route({"type": "object", "properties": {"spec": {"type": SECRET}}})
    result, store = check(THING, [server.url + "/{{ .ResourceKind }}.json"])
    assert findings(result)[0][3].endswith("not a valid JSON Schema (at properties.spec.type)")
    assert SECRET not in every_format(result) and SECRET not in " ".join(store.notices)


# -- redirects, private networks, size and time ----------------------------------------------------

class Redirect(BaseHTTPRequestHandler):
    target = ""

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(302)
        self.send_header("Location", self.target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def serve(handler) -> ThreadingHTTPServer:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return httpd


def test_a_redirect_to_another_origin_is_refused(server):
    server.routes["/secret.json"] = Route({"type": "object", "properties": {"spec": {"type": "string"}}})
    handler = type("ToOther", (Redirect,), {"target": server.url.replace("127.0.0.1", "localhost") + "/secret.json"})
    front = serve(handler)
    try:
        location = f"http://127.0.0.1:{front.server_address[1]}/{{{{ .ResourceKind }}}}.json"
        result, _ = check(THING, [location])
        [(rule, _, _, message)] = findings(result)
        assert rule == "KL109" and message.endswith(
            f"redirected to {server.url.replace('127.0.0.1', 'localhost')}, another origin: refused")
        assert server.requests == []
    finally:
        front.shutdown()
        front.server_close()


class Moved(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/moved.json":
            body = json.dumps({"type": "object", "properties": {"spec": {"type": "string"}}}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(301)
        self.send_header("Location", "/moved.json" if self.path == "/thing.json" else self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_redirects_within_the_origin_are_followed_a_few_times():
    httpd = serve(Moved)
    try:
        location = f"http://127.0.0.1:{httpd.server_address[1]}/{{{{ .ResourceKind }}}}.json"
        result, _ = check(THING, [location])
        assert findings(result) == [("KL101", 4, 7, "spec: expected string, got integer 1")]
        looping, _ = check(THING.replace("kind: Thing", "kind: Loop"), [location])
        assert findings(looping)[0][3].endswith("more than 5 redirects")
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_host_filled_in_from_a_manifest_may_not_be_private(server):
    server.routes["/thing.json"] = Route({"type": "object"})
    host = server.url.split("//")[1]
    text = THING.replace("example.com/v1", f"{host}/v1")
    result, _ = check(text, ["http://{{ .Group }}/{{ .ResourceKind }}.json"])
    assert findings(result)[0][3].endswith("127.0.0.1 is on a private network and the schema location is not: refused")
    assert server.requests == []


@pytest.mark.parametrize("host, private", [
    ("127.0.0.1", True), ("10.1.2.3", True), ("192.168.0.1", True), ("169.254.169.254", True), ("::1", True),
    ("[::ffff:127.0.0.1]", True), ("100.64.0.1", True), ("localhost", True), ("a.localhost", True),
    ("0.0.0.0", True), ("8.8.8.8", False), ("2001:4860:4860::8888", False), ("", False)])
def test_private_hosts(host, private):
    assert is_private_host(host) is private


def test_a_body_over_the_size_cap_is_refused(server):
    server.routes["/thing.json"] = Route(b" " * (2 * 1024 * 1024))
    result, _ = check(THING, [server.url + "/{{ .ResourceKind }}.json"],
                      configure=lambda store: setattr(store.downloader, "max_bytes", 1024 * 1024))
    assert findings(result)[0][3].endswith("larger than the 1,048,576-byte limit (2,097,152 bytes)")


class Endless(BaseHTTPRequestHandler):
    """No Content-Length: a body that never ends, fast or one byte at a time."""

    drip = False

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.end_headers()
        try:
            for _ in range(100_000):
                self.wfile.write(b" " if self.drip else b" " * 65536)
                self.wfile.flush()
                if self.drip:
                    time.sleep(0.05)
        except OSError:
            pass

    def log_message(self, *args) -> None:
        pass


@pytest.mark.parametrize("drip, ending", [(False, "larger than the 1,048,576-byte limit"),
                                          (True, "did not finish within 1 s")])
def test_an_endless_or_dripping_body_is_cut_off(drip, ending):
    httpd = serve(type("Body", (Endless,), {"drip": drip}))
    try:
        location = f"http://127.0.0.1:{httpd.server_address[1]}/{{{{ .ResourceKind }}}}.json"

        def configure(store):
            store.downloader.max_bytes, store.downloader.deadline = 1024 * 1024, 1.0

        start = time.perf_counter()
        result, _ = check(THING, [location], configure=configure)
        assert time.perf_counter() - start < 10
        assert findings(result)[0][3].endswith(ending)
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_downloader_defaults_have_a_cap_and_a_deadline():
    downloader = Downloader()
    assert downloader.max_bytes == 32 * 1024 * 1024 and downloader.deadline == 60.0


# -- broken locations are configuration errors -------------------------------------------------------

@pytest.mark.parametrize("spec, message", [
    ("file:///etc/{{ .ResourceKind }}.json", "only http:// and https:// URLs and directories can be schema locations"),
    ("ftp://example.com/{{ .ResourceKind }}.json", "only http:// and https:// URLs and directories"),
    ("/nonexistent/schemas", "/nonexistent/schemas is not a directory"),
    ("/nonexistent/{{ .ResourceKind }}.json", "/nonexistent is not a directory"),
])
def test_unusable_locations_are_configuration_errors(spec, message, tmp_path):
    with pytest.raises(ConfigError, match=message.replace(".", r"\.").replace("/", "/")):
        SchemaStore("1.37", locations=[spec])
    manifest = tmp_path / "x.yaml"
    manifest.write_text(THING)
    result = CliRunner().invoke(main, ["check", "--no-config", "--ignore-missing-schemas",
                                       "--schema-location", spec, str(manifest)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
