"""Behaviour at the edges, where a one-character change (`<` for `<=`, `any` for `all`, a limit
ten times larger) would otherwise pass every test: port ranges, selectors that match some but
not all of their labels, the alias-expansion limits."""

from __future__ import annotations

import pytest

from kubelint.input import loader
from kubelint.input.loader import load_file
from tests.helpers import run_text

# --- ports: 0, 1, 65535, 65536; node ports 29999/30000/32767/32768 --------------------------
# pkg/apis/core/validation/validation.go:validateServicePort (port, targetPort 1-65535) and
# ValidateService (nodePort 1-65535, then the allocator's --service-node-port-range).

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: {type}
  selector: {{app: web}}
  externalTrafficPolicy: {policy}
  ports:
  - port: {port}
    targetPort: {target}
    nodePort: {node}
"""


def service(type_="NodePort", port=80, target=8080, node=30080, policy="Cluster", health=None):
    text = SERVICE.format(type=type_, port=port, target=target, node=node, policy=policy)
    if health is not None:
        text += f"  healthCheckNodePort: {health}\n"
    return text


def kl301(text):
    return [(f.line, f.column, f.message) for f in run_text(text, select=["KL301"]).active()]


def outside(value, pointer="spec.ports[0].nodePort"):
    return (f"{pointer}: {value} is outside the NodePort range 30000-32767 (the API server's "
            "--service-node-port-range): pick a port in the range, or omit it to have one allocated")


@pytest.mark.parametrize("port, expected", [
    (0, [(10, 11, "spec.ports[0].port: 0 is not between 1 and 65535")]),
    (1, []),
    (65535, []),
    (65536, [(10, 11, "spec.ports[0].port: 65536 is not between 1 and 65535")]),
    (-1, [(10, 11, "spec.ports[0].port: -1 is not between 1 and 65535")]),
])
def test_port_range(port, expected):
    assert kl301(service(port=port)) == expected


@pytest.mark.parametrize("target, expected", [
    (1, []),
    (65535, []),
    (65536, [(11, 17, "spec.ports[0].targetPort: 65536 is not between 1 and 65535")]),
    (-1, [(11, 17, "spec.ports[0].targetPort: -1 is not between 1 and 65535")]),
])
def test_target_port_range(target, expected):
    assert kl301(service(target=target)) == expected


@pytest.mark.parametrize("type_", ["NodePort", "LoadBalancer"])
@pytest.mark.parametrize("node, expected", [
    (0, []),  # 0: allocate one
    (1, [(12, 15, outside(1))]),
    (29999, [(12, 15, outside(29999))]),
    (30000, []),
    (32767, []),
    (32768, [(12, 15, outside(32768))]),
    (65535, [(12, 15, outside(65535))]),
    (65536, [(12, 15, "spec.ports[0].nodePort: 65536 is not between 1 and 65535")]),
    (-1, [(12, 15, "spec.ports[0].nodePort: -1 is not between 1 and 65535")]),
])
def test_node_port_range_on_every_type_that_allocates_node_ports(type_, node, expected):
    assert kl301(service(type_=type_, node=node)) == expected


def test_node_port_on_a_cluster_ip_service_is_another_rule():
    text = service(type_="ClusterIP", node=32768)
    assert kl301(text) == []
    assert [(f.rule, f.line, f.column) for f in run_text(text, select=["KL306"]).active()] == [("KL306", 12, 15)]


@pytest.mark.parametrize("health, expected", [
    (29999, [(13, 24, outside(29999, "spec.healthCheckNodePort"))]),
    (30000, []),
    (32767, []),
    (32768, [(13, 24, outside(32768, "spec.healthCheckNodePort"))]),
    (65536, [(13, 24, "spec.healthCheckNodePort: 65536 is not between 1 and 65535")]),
])
def test_health_check_node_port_range(health, expected):
    assert kl301(service(type_="LoadBalancer", policy="Local", health=health)) == expected


def test_configured_node_port_range_bounds_are_inclusive():
    config = {"KL301": {"options": {"node-port-range": "20000-20080"}}}
    assert [(f.line, f.message) for f in run_text(service(node=20080), select=["KL301"], rule_config=config).active()] \
        == []
    assert [(f.line, f.message) for f in run_text(service(node=20081), select=["KL301"], rule_config=config).active()] \
        == [(12, outside(20081).replace("30000-32767", "20000-20080"))]
    assert [(f.line, f.message) for f in run_text(service(node=19999), select=["KL301"], rule_config=config).active()] \
        == [(12, outside(19999).replace("30000-32767", "20000-20080"))]


# --- selectors that match some labels of two workloads but all labels of none ---------------

def deployment(name, labels, ports="", probe=False):
    readiness = "        readinessProbe: {tcpSocket: {port: 8080}}\n" if probe else ""
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n"
            f"  selector:\n    matchLabels: {labels}\n  template:\n    metadata:\n      labels: {labels}\n"
            f"    spec:\n      containers:\n      - name: c\n        image: nginx:1.27\n{readiness}"
            + (f"        ports: {ports}\n" if ports else "") + "---\n")


# {app: web, tier: db} shares app=web with one workload and tier=db with the other.
PARTIAL = (deployment("frontend", "{app: web, tier: frontend}", "[{name: http, containerPort: 8080}, {containerPort: 9090}]")
           + deployment("api-db", "{app: api, tier: db}", "[{name: http, containerPort: 8080}, {containerPort: 9090}]"))
WEB_DB_SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web-db
spec:
  selector: {app: web, tier: db}
  ports:
  - {name: a, port: 80, targetPort: http}
  - {name: b, port: 90, targetPort: 9090}
"""
WEB_DB_PDB = """\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web-db
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: web, tier: db}
"""


def found(text, rules):
    return [(f.rule, f.line, f.column, f.message) for f in run_text(text, select=rules).active()]


def test_service_selecting_no_workload_with_every_label():
    assert found(PARTIAL + WEB_DB_SERVICE, ["KL313"]) == [(
        "KL313", 38, 13, 'spec.selector: selects no pods: no workload in namespace "default" has labels '
        "app=web,tier=db (closest: Deployment frontend, which has tier=frontend, not db)")]


def test_pdb_selecting_no_workload_with_every_label():
    assert found(PARTIAL + WEB_DB_PDB, ["KL552"]) == [(
        "KL552", 40, 5, 'spec.selector: selects no pods: no workload in namespace "default" has pod labels '
        "matching app=web, tier=db")]


def test_a_workload_with_every_label_in_another_namespace_is_not_selected():
    elsewhere = deployment("web-db", "{app: web, tier: db}").replace("  name: web-db\n", "  name: web-db\n  namespace: other\n")
    assert [rule for rule, *_ in found(PARTIAL + elsewhere + WEB_DB_SERVICE + "---\n" + WEB_DB_PDB, ["KL313", "KL552"])] \
        == ["KL313", "KL552"]


# Now one workload has every label (and more); the two partial ones declare what it lacks.
SELECTED = deployment("web-db", "{app: web, tier: db, extra: x}", "[{name: pg, containerPort: 5432}]")


def test_only_the_workload_with_every_label_is_selected():
    text = SELECTED + PARTIAL + WEB_DB_SERVICE + "---\n" + WEB_DB_PDB
    assert found(text, ["KL313", "KL314", "KL315", "KL511", "KL552"]) == [
        ("KL511", 13, 9, 'spec.template.spec.containers[0]: no container of this pod has a readinessProbe, and '
         'Service "web-db" sends traffic to it; add one to container "c" so traffic waits until the application '
         "is ready"),
        ("KL314", 56, 37, 'spec.ports[0].targetPort: no container of the selected pods (Deployment web-db) declares '
         'a port named "http"; they declare pg: no traffic reaches the pods'),
        ("KL315", 57, 37, "spec.ports[1]: targetPort 9090 is not declared by any container of the selected pods "
         "(Deployment web-db) as a TCP containerPort; they declare TCP 5432; traffic still reaches the pods if "
         "they listen on 9090 (declaring it documents it)"),
    ]


def test_every_workload_with_every_label_is_selected():
    """A second workload with every label declares "http": KL314 is satisfied, and both
    selected workloads lack a readiness probe; the partial ones still do not count."""
    both = SELECTED + deployment("web-db-2", "{app: web, tier: db}", "[{name: http, containerPort: 8080}]")
    found_ = found(both + PARTIAL + WEB_DB_SERVICE, ["KL313", "KL314", "KL315", "KL511"])
    assert [(rule, line, column) for rule, line, column, _ in found_] == [
        ("KL511", 13, 9), ("KL511", 29, 9), ("KL315", 73, 37)]
    assert "(Deployment web-db, Deployment web-db-2)" in found_[2][3]


# --- alias expansion: the ratio limit and the absolute limit, each just under and just over ---

def aliased_document(anchored, aliases, scalars):
    """An anchored sequence of `anchored` nodes (itself and its scalars), a sequence of
    `aliases` aliases of it, and one of `scalars` scalars. Written: 3 + anchored + scalars
    nodes (with the top mapping); expanded: `anchored` more for each alias."""
    return "\n".join([
        "a: &a [" + ", ".join(["x"] * (anchored - 1)) + "]",
        "b: [" + ", ".join(["*a"] * aliases) + "]",
        "d: [" + ", ".join(["x"] * scalars) + "]",
    ]) + "\n"


def refusal(expanded, written):
    return [("KL008", (1, 1, 1, 1), f"aliases expand this document to {expanded:,} nodes from {written:,} written: "
                            "refused as an alias-expansion bomb")]


def load_issues(text):
    result = load_file("x.yaml", text.encode())
    return [(i.rule, tuple(i.position), i.message) for i in result.issues], result.skipped


@pytest.mark.parametrize("aliases, scalars, expanded, written, refused", [
    (99, 997, 11_000, 1_100, False),  # exactly 10 times as many nodes: allowed
    (99, 996, 10_999, 1_099, True),  # a little more than 10 times: refused
    (98, 97, 10_000, 200, False),  # 50 times, but small: allowed
    (98, 98, 10_001, 201, True),
])
def test_ratio_limit(aliases, scalars, expanded, written, refused, monkeypatch):
    assert loader.MAX_ALIAS_RATIO == 10
    monkeypatch.setattr(loader, "ALIAS_NODES_PER_BYTE", 10**9)  # the ratio limit alone (the per-byte budget below)
    issues, skipped = load_issues(aliased_document(100, aliases, scalars))
    assert (issues, skipped) == ((refusal(expanded, written), 0) if refused else ([], 1))


@pytest.mark.parametrize("scalars, refused", [(997, False), (998, True)])
def test_absolute_limit(scalars, refused, monkeypatch):
    # A document that expands this far with a ratio under 10 needs 100,000 written nodes (slow
    # to parse); with the ratio limit out of the way a small one shows the absolute limit alone.
    monkeypatch.setattr(loader, "MAX_ALIAS_RATIO", 10**9)
    monkeypatch.setattr(loader, "ALIAS_NODES_PER_BYTE", 10**9)
    issues, skipped = load_issues(aliased_document(1000, 998, scalars))
    expanded = 1_000_000 + (scalars - 997)
    assert (issues, skipped) == ((refusal(expanded, 1003 + scalars), 0) if refused else ([], 1))


def test_a_document_of_over_a_million_nodes_without_aliases_is_no_bomb():
    result = load_file("x.yaml", b"- x\n" * 1_000_001)
    assert [i.rule for i in result.issues] == ["KL004"]  # a list, not an object: no KL008


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])  # CR line ends send it to the exact loader
def test_a_document_over_the_absolute_limit_without_aliases_is_no_bomb_whichever_loader_reads_it(line_end, monkeypatch):
    monkeypatch.setattr(loader, "MAX_EXPANDED_NODES", 1000)  # a small document shows the limit
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  annotations: {schedule: '*/5 * * * *'}\n"
            "x:\n" + "- a\n" * 1001)
    result = load_file("x.yaml", text.replace("\n", line_end).encode())
    assert result.issues == [] and [m.ref.name for m in result.manifests] == ["big"]


@pytest.mark.parametrize("crlf", [False, True])
def test_a_long_list_without_aliases_is_no_bomb(crlf):
    """10,001 scalars in one list are 10,001 nodes written once, whichever loader reads them
    (CR line ends and the "*" of a cron schedule send this one to the exact loader)."""
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: allow\n  annotations: {schedule: '*/5 * * * *'}\n"
            "x:\n" + "".join(f"  - 10.0.{i // 250}.{i % 250}/32\n" for i in range(10_001)))
    result = load_file("x.yaml", (text.replace("\n", "\r\n") if crlf else text).encode())
    assert result.issues == [] and [m.ref.name for m in result.manifests] == ["allow"]


def test_per_byte_budget_refuses_a_small_file_that_expands_far():
    # Under the ratio limit (10,000 nodes or fewer) and the absolute one, but aliases add 9,800
    # nodes to a file of 703 bytes: over the budget of ALIAS_NODES_PER_BYTE per byte.
    assert loader.ALIAS_NODES_PER_BYTE == 4
    text = aliased_document(100, 98, 0)
    assert len(text) * 4 < 9_800 < 10_000
    issues, skipped = load_issues(text)
    assert (issues, skipped) == ([("KL008", (1, 1, 1, 1), "aliases expand this document to 9,903 nodes from 103 "
                                  "written, more than this file's size allows (4 added nodes per byte): refused "
                                  "as an alias-expansion bomb")], 0)


@pytest.mark.parametrize("size, refused", [(2450, False), (2449, True)])
def test_per_byte_budget_allows_exactly_its_size(size, refused):
    # Aliases add 9,800 nodes: a file of 2,450 bytes (4 per byte) allows them, one byte less not.
    document = aliased_document(100, 98, 0)
    text = document + "#" * (size - len(document) - 1) + "\n"
    assert len(text) == size
    issues, skipped = load_issues(text)
    assert (issues, skipped) == (([("KL008", (1, 1, 1, 1), "aliases expand this document to 9,903 nodes from 103 "
                                   "written, more than this file's size allows (4 added nodes per byte): refused "
                                   "as an alias-expansion bomb")], 0) if refused else ([], 1))


def test_refused_document_is_reported_at_its_start_and_others_are_still_read():
    bomb = aliased_document(100, 99, 996)
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n" + bomb
    result = load_file("x.yaml", text.encode())
    assert [(i.rule, i.position.line) for i in result.issues] == [("KL008", 5)]
    assert [m.ref.name for m in result.manifests] == ["c"]
