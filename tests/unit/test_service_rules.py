"""Helpers of kubelint/rules/service/ and the Service rules' options and partial-set handling."""

from __future__ import annotations

import pytest

from kubelint.model.validation import dns1123_label, iana_svc_name
from kubelint.rules.service.hints import fix_hint, host_hint, suggestion
from kubelint.rules.service.ports import parse_port_range
from tests.helpers import lines, run_text


@pytest.mark.parametrize("text, expected", [
    ("30000-32767", (30000, 32767)),
    (" 30000-32767 ", (30000, 32767)),
    ("20000+99", (20000, 20099)),
    ("8080", (8080, 8080)),
    (31000, (31000, 31000)),
    ("1-65535", (1, 65535)),
])
def test_parse_port_range(text, expected):
    assert parse_port_range(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "30000-", "-5", "32767-30000", "0-100", "30000-70000", None, 1.5, "1-2-3"])
def test_parse_port_range_rejects(text):
    with pytest.raises(ValueError):
        parse_port_range(text)


@pytest.mark.parametrize("value, expected", [
    ("Loadbalancer", "LoadBalancer"),
    ("nodeport", "NodePort"),
    (" ClusterIP ", "ClusterIP"),
    ("LoadBalance", "LoadBalancer"),
    ("Ingress", None),
    ("", None),
])
def test_suggestion(value, expected):
    assert suggestion(value, ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")) == expected


def test_fix_hint():
    assert fix_hint("HTTP", dns1123_label) == '; did you mean "http"?'
    assert fix_hint("Grpc_Web", dns1123_label) == '; did you mean "grpc-web"?'
    assert fix_hint("web--ui", iana_svc_name) == ""
    assert fix_hint("http", dns1123_label) == ""


def test_host_hint():
    expected = '; give only the host name: "db.example.com" (no scheme, port or path)'
    assert host_hint("https://db.example.com:5432/x") == expected
    assert host_hint("db.example.com:5432") == expected
    assert host_hint("db.example.com") == ""
    assert host_hint("http://[::1") == ""


NODE_PORT_SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
    - port: 80
      nodePort: 20080
"""


def test_node_port_range_option():
    assert lines(run_text(NODE_PORT_SERVICE, select=["KL301"])) == [
        "test.yaml:11:17: error KL301 spec.ports[0].nodePort: 20080 is outside the NodePort range 30000-32767 "
        "(the API server's --service-node-port-range): pick a port in the range, or omit it to have one allocated"]
    config = {"KL301": {"options": {"node-port-range": "20000-22767"}}}
    assert lines(run_text(NODE_PORT_SERVICE, select=["KL301"], rule_config=config)) == []


def test_node_port_range_option_invalid_is_reported_not_raised():
    config = {"service-port-value": {"options": {"node-port-range": "lots"}}}
    assert lines(run_text(NODE_PORT_SERVICE, select=["KL301"], rule_config=config)) == [
        "test.yaml:1:1: error KL301 option node-port-range of KL301 is invalid: cannot parse port range 'lots' "
        "(expected e.g. '30000-32767'); node ports not checked"]


LONELY_SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
    - port: 80
"""


def test_selector_rule_needs_pod_templates_or_complete_set():
    assert lines(run_text(LONELY_SERVICE, select=["KL313"])) == []
    assert lines(run_text(LONELY_SERVICE, select=["KL313"], complete=True)) == [
        'test.yaml:8:5: error KL313 spec.selector: selects no pods: no workload in namespace "shop" has labels app=web']


PLAIN_PODS = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
    - name: web
      image: nginx:1.27
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
"""


def test_undeclared_target_port_option():
    assert lines(run_text(PLAIN_PODS, select=["KL315"])) == []
    config = {"KL315": {"options": {"report-when-none-declared": True}}}
    assert lines(run_text(PLAIN_PODS, select=["KL315"], rule_config=config)) == [
        "test.yaml:20:13: warning KL315 spec.ports[0]: targetPort (defaults to port 80) is not declared by any "
        "container of the selected pods (Pod web) as a TCP containerPort; they declare no TCP ports; traffic still "
        "reaches the pods if they listen on 80 (declaring it documents it)"]


GARBAGE = """\
apiVersion: v1
kind: Service
metadata:
  name: odd
  annotations: [1, 2]
spec:
  type: [NodePort]
  clusterIP: 7
  clusterIPs: None
  externalName: 5
  selector: [app]
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: 3}
  externalTrafficPolicy: {}
  healthCheckNodePort: "x"
  ports:
    - null
    - 80
    - {port: null, targetPort: null, nodePort: true, name: null, protocol: 6}
    - {port: 99999999999999999999, targetPort: "", protocol: ""}
---
apiVersion: v1
kind: Service
metadata:
  name: odd2
spec: 12
---
apiVersion: v1
kind: Service
metadata:
  name: odd3
spec:
  type: ExternalName
  externalName: "http://[::1"
  selector: {app: {x: 1}}
  ports: {}
"""


def test_rules_survive_garbage():
    found = lines(run_text(GARBAGE, select=["KL3"]))
    assert not [f for f in found if "internal error" in f], found
