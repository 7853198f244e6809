"""A clean realistic stack (examples/shop) gives no findings; each single defect injected into
it is reported at its line, both with one file per object group and as one file."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.helpers import REPO, run_paths

SHOP = os.path.join(REPO, "examples", "shop")
FILES = sorted(os.listdir(SHOP))

# (file, text to replace, replacement, rule expected, text on the line it is reported at)
DEFECTS = [
    ("web.yaml", "              containerPort: 8080", "              containerPort: \"8080\"", "KL101", 'containerPort: "8080"'),
    ("web.yaml", "          image: ghcr.io/example/shop-web:1.4.2", "          image: ghcr.io/example/shop-web:1.4.2\n          imagePullPolcy: Always", "KL102", "imagePullPolcy"),
    ("web.yaml", "  name: web-nodeport", "  name: Web-NodePort", "KL201", "Web-NodePort"),
    ("web.yaml", "      nodePort: 30080", "      nodePort: 80", "KL301", "nodePort: 80"),
    ("web.yaml", "  type: LoadBalancer", "  type: Loadbalancer", "KL304", "Loadbalancer"),
    ("web.yaml", "  selector:\n    app.kubernetes.io/name: web\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web-nodeport",
     "  selector:\n    app.kubernetes.io/name: webb\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web-nodeport", "KL313", "    app.kubernetes.io/name: webb"),
    ("web.yaml", "      targetPort: http\n      nodePort: 30080", "      targetPort: htp\n      nodePort: 30080", "KL314", "targetPort: htp"),
    ("ingress.yaml", "                name: web\n", "                name: web-missing\n", "KL407", "name: web-missing"),
    ("ingress.yaml", "                  name: http", "                  name: https", "KL408", "name: https"),
    ("ingress.yaml", "            pathType: Prefix", "            pathType: prefix", "KL401", "pathType: prefix"),
    ("web.yaml", "                  name: db-credentials", "                  name: db-credential", "KL602", "name: db-credential"),
    ("web.yaml", "                name: web-config", "                name: web-configs", "KL601", "name: web-configs"),
    ("web.yaml", "      serviceAccountName: web", "      serviceAccountName: webb", "KL604", "serviceAccountName: webb"),
    ("config.yaml", "  LOG_LEVEL: info", "  LOG_LEVEL: info\n  DB_PASSWORD: hunter2hunter2", "KL606", "DB_PASSWORD"),
]


def copy_shop(tmp_path):
    target = tmp_path / "shop"
    shutil.copytree(SHOP, target)
    return target


def one_file(directory) -> str:
    return "".join("---\n" + (directory / name).read_text() for name in FILES)


def test_clean_stack_has_no_findings(tmp_path):
    shop = copy_shop(tmp_path)
    assert [f"{f.path}:{f.line} {f.rule} {f.message}" for f in run_paths([str(shop)]).active()] == []
    (tmp_path / "all.yaml").write_text(one_file(shop))
    assert [f"{f.line} {f.rule} {f.message}" for f in run_paths([str(tmp_path / "all.yaml")]).active()] == []


def one_file_before(directory, name: str) -> str:
    return "".join("---\n" + (directory / n).read_text() for n in FILES[:FILES.index(name)])


def _line_of(text: str, start: int, new: str, marker: str) -> int:
    """Line of `marker` inside the injected text `new`, searching from offset `start`."""
    index = text.index(marker, text.index(new, start))
    return text.count("\n", 0, index) + 1


@pytest.mark.parametrize("layout", ["per-file", "one-file"])
@pytest.mark.parametrize("name, old, new, rule, marker", DEFECTS, ids=[f"{d[3]}-{d[0]}" for d in DEFECTS])
def test_each_injected_defect_is_reported_at_its_line(tmp_path, layout, name, old, new, rule, marker):
    shop = copy_shop(tmp_path)
    original = (shop / name).read_text()
    assert original.count(old) == 1, f"{old!r} must occur once in {name}"
    (shop / name).write_text(original.replace(old, new))
    start = 0
    if layout == "one-file":
        target = tmp_path / "all.yaml"
        joined = one_file(shop)
        start = len(one_file_before(shop, name))
        target.write_text(joined)
        shutil.rmtree(shop)
    else:
        target = shop / name
    text = target.read_text()
    found = [(f.rule, f.line) for f in run_paths([str(shop if layout == "per-file" else target)]).active()]
    assert (rule, _line_of(text, start, new, marker)) in found, found
    assert all(r == rule for r, _ in found if r != "KL901"), f"{rule} alone should fire: {found}"
