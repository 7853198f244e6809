"""CIDRs as the API server parses NetworkPolicy ipBlocks (netutils.ParseCIDRSloppy), after
kubernetes/kubernetes pkg/apis/networking/validation/validation_test.go TestValidateNetworkPolicy
and k8s.io/utils/net's sloppy parsing."""

from __future__ import annotations

import pytest

from kubelint.rules.apiserver.networking import parse_cidr


@pytest.mark.parametrize("text", ["10.0.0.0/8", "10.0.0.1/8", "010.000.000.000/8", "2001:db8::/32", "0.0.0.0/0"])
def test_cidrs_the_api_server_takes(text):
    assert parse_cidr(text) is not None


@pytest.mark.parametrize("text", ["10.0.0.0", "10.0.0.0/33", "10.0.0.0/255.0.0.0", "fe80::1%eth0/64", "not-a-cidr",
                                  "2001:db8::/129", "10.0.0.0/-1", ""])
def test_cidrs_it_refuses(text):
    assert parse_cidr(text) is None
