"""Helpers of the Ingress rules (kubelint/rules/ingress/)."""

from __future__ import annotations

import pytest

from kubelint.rules.ingress.hosts import host_problems, is_ip_sloppy, wildcard_matches
from tests.helpers import run_text


@pytest.mark.parametrize("value", ["1.2.3.4", "010.001.0.1", "0001.2.3.4", "::1", "2001:db8::1", "::ffff:1.2.3.4"])
def test_ip_addresses_like_parse_ip_sloppy(value):
    assert is_ip_sloppy(value)


@pytest.mark.parametrize("value", ["1.2.3.256", "1.2.3", "1.2.3.4.5", "fe80::1%eth0", "example.com", "",
                                   "1-2-3-4.nip.io"])
def test_not_ip_addresses(value):
    assert not is_ip_sloppy(value)


@pytest.mark.parametrize("host", ["example.com", "a.b-c.example.com", "*.example.com", "localhost"])
def test_valid_hosts(host):
    assert host_problems(host) == []


@pytest.mark.parametrize("host", ["Example.com", "*", "*.", "a.*.example.com", "*example.com", "**.example.com",
                                  "example.com:80", "-a.example.com", "a" * 254])
def test_invalid_hosts(host):
    assert host_problems(host)


@pytest.mark.parametrize("wildcard,host,expected", [
    ("*.example.com", "a.example.com", True),
    ("*.example.com", "a.b.example.com", False),
    ("*.example.com", "example.com", False),
    ("*.example.com", "*.example.com", False),  # equal wildcards are compared by equality, not matching
    ("example.com", "a.example.com", False),
])
def test_wildcard_matches_one_label(wildcard, host, expected):
    assert wildcard_matches(wildcard, host) is expected


def test_rules_survive_odd_shapes():
    """Wrong types anywhere in an Ingress: no finding from a crash, no traceback."""
    text = """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: odd, annotations: [x]}
spec:
  defaultBackend: [1]
  ingressClassName: 7
  tls: [1, {hosts: "x", secretName: 3}, {hosts: [null, 5]}]
  rules:
  - 5
  - {host: 7, http: [1]}
  - {http: {paths: [1, {backend: 3, path: {a: 1}, pathType: [1]}, {backend: {service: 1, resource: 2}}]}}
  - {http: {paths: [{pathType: Prefix, path: /, backend: {service: {name: 5, port: {number: true, name: 4}}}}]}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: odd-spec}
spec: 5
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: odd-rules}
spec: {rules: {a: 1}}
"""
    result = run_text(text, select=["KL4"])
    messages = [f.message for f in result.active()]
    assert not any("internal error" in m for m in messages), messages
    assert [f.rule for f in result.active()] == ["KL404"]  # the rules ran: service and resource both set
