"""The benchmark corpus generator is deterministic, valid YAML, and injects exact defect counts."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import corpus  # noqa: E402
from benchmarks.check_corpus import semantic_problems  # noqa: E402


# The real-world-shaped corpus is built from ../shared/corpus, which lives beside the
# repository, not in it: a checkout without it cannot build that corpus.
_MISSING_SOURCES = [rel for rel in corpus.REALWORLD_SOURCES if not (REPO / rel).exists()]
needs_realworld_sources = pytest.mark.skipif(
    bool(_MISSING_SOURCES), reason=f"real-world corpus sources not present: {', '.join(map(str, _MISSING_SOURCES))}")


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


_FAST = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _docs(root: Path, loader: type = _FAST) -> list[dict]:
    out = []
    for p in sorted(root.rglob("*.yaml")):
        out.extend(d for d in yaml.load_all(p.read_text(encoding="utf-8"), Loader=loader) if d is not None)
    return out


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, list[dict]]:
    root = tmp_path_factory.mktemp("clean")
    stats = corpus.generate(root, files=20, seed=0)
    return root, stats, _docs(root)


def test_same_arguments_give_same_bytes(clean: tuple[Path, dict, list[dict]], tmp_path: Path) -> None:
    root, stats, _ = clean
    again = corpus.generate(tmp_path, files=20, seed=0)
    assert again == stats
    first, second = _files(root), _files(tmp_path)
    assert len(first) == 20
    assert first == second


def test_other_seed_differs(clean: tuple[Path, dict, list[dict]], tmp_path: Path) -> None:
    corpus.generate(tmp_path, files=20, seed=1)
    assert _files(clean[0]) != _files(tmp_path)


def test_every_document_is_a_manifest(clean: tuple[Path, dict, list[dict]]) -> None:
    root, stats, fast = clean
    docs = _docs(root, yaml.SafeLoader)  # what yaml.safe_load reads
    assert docs == fast
    assert len(docs) == stats["objects"]
    assert 8 * 20 <= len(docs) <= 16 * 20  # about 12 objects a file
    for d in docs:
        assert isinstance(d.get("apiVersion"), str) and d["apiVersion"]
        assert isinstance(d.get("kind"), str) and d["kind"]
        assert isinstance(d["metadata"]["name"], str) and d["metadata"]["name"]


def test_clean_corpus_has_no_semantic_problem(clean: tuple[Path, dict, list[dict]]) -> None:
    assert semantic_problems(clean[2]) == []


def test_defect_rate_changes_exactly_that_share_of_objects(clean: tuple[Path, dict, list[dict]], tmp_path: Path) -> None:
    _, stats, good = clean
    dstats = corpus.generate(tmp_path, files=20, seed=0, defect_rate=0.1)
    bad = _docs(tmp_path)
    assert len(good) == len(bad) == stats["objects"]
    changed = sum(1 for a, b in zip(good, bad) if a != b)
    assert changed == round(0.1 * len(good)) == dstats["defective_objects"]
    assert sum(dstats["defects"].values()) == changed
    assert len(dstats["defects"]) >= 6  # the defect kinds take turns
    assert semantic_problems(bad)  # the defects are visible


def test_one_namespace_services_select_their_own_deployment(tmp_path: Path) -> None:
    stats = corpus.generate_one_namespace_services(tmp_path, n=30, per_file=7)
    assert stats["files"] == 5
    docs = _docs(tmp_path)
    assert {d["metadata"]["namespace"] for d in docs} == {"monolith"}
    services = [d for d in docs if d["kind"] == "Service"]
    deployments = [d for d in docs if d["kind"] == "Deployment"]
    assert len(services) == len(deployments) == 30
    for svc in services:
        sel = svc["spec"]["selector"].items()
        hits = [d for d in deployments if sel <= d["spec"]["template"]["metadata"]["labels"].items()]
        assert [h["metadata"]["name"] for h in hits] == [svc["metadata"]["name"]]
    assert semantic_problems(docs) == []


def test_single_file_has_twelve_objects(tmp_path: Path) -> None:
    path = tmp_path / "one.yaml"
    assert corpus.write_single_file(path) == 12
    docs = _docs(tmp_path)
    assert len(docs) == 12
    assert semantic_problems(docs) == []


@needs_realworld_sources
def test_realworld_corpus_puts_each_file_in_its_own_namespace(tmp_path: Path) -> None:
    stats = corpus.generate_realworld(tmp_path / "a", files=4)
    # shop (14 objects, one of them its Namespace) and microservices-demo (35) take turns
    assert stats["files"] == 4 and stats["objects"] == 2 * (14 + 35)
    corpus.generate_realworld(tmp_path / "b", files=4)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")  # the same bytes every time
    for p in sorted((tmp_path / "a").rglob("*.yaml")):
        ns = p.parent.name
        for d in yaml.load_all(p.read_text(encoding="utf-8"), Loader=_FAST):
            if d is None:
                continue
            meta = d["metadata"]
            assert (meta["name"] if d["kind"] == "Namespace" else meta.get("namespace")) == ns, (p, d["kind"], meta)
    assert "http://cart.rw-0000.svc.cluster.local:8080" in (tmp_path / "a" / "rw-0000" / "shop.yaml").read_text()


@needs_realworld_sources
def test_realworld_defects_change_exactly_that_share_of_objects(tmp_path: Path) -> None:
    corpus.generate_realworld(tmp_path / "clean", files=4)
    dstats = corpus.generate_realworld(tmp_path / "bad", files=4, defect_rate=0.1)
    good, bad = _docs(tmp_path / "clean"), _docs(tmp_path / "bad")
    assert len(good) == len(bad) == dstats["objects"]
    changed = sum(1 for a, b in zip(good, bad) if a != b)
    assert changed == round(0.1 * len(good)) == dstats["defective_objects"] == len(dstats["defect_list"])


def test_user_install_is_rebuilt_when_the_package_changes(tmp_path: Path) -> None:
    """The latency targets time a non-editable install; it must follow the sources it times
    (a change to any package file) and ignore byte-code caches."""
    from benchmarks.bench import _source_hash

    (tmp_path / "kubelint" / "__pycache__").mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'kubelint'\n")
    (tmp_path / "kubelint" / "cli.py").write_text("x = 1\n")
    first = _source_hash(tmp_path)
    (tmp_path / "kubelint" / "__pycache__" / "cli.cpython-311.pyc").write_bytes(b"\0")
    assert _source_hash(tmp_path) == first
    (tmp_path / "kubelint" / "cli.py").write_text("x = 2\n")
    assert _source_hash(tmp_path) != first
