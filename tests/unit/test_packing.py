"""Objects packed into a shard's memory file come back equal, whatever the loader built."""

from __future__ import annotations

import sys

import pytest

from kubelint.input.loader import load_file
from kubelint.run.packing import PackStore, pack, pack_file, unpack, unpack_file

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="memfd is Linux only")


def test_plain_data_and_what_marshal_refuses_round_trip():
    store = PackStore()
    recursive: list = []
    recursive.append(recursive)  # YAML aliases can build this; marshal refuses it, pickle does not
    plain = {"a": [1, 2.5, None, True, "x" * 100], "b": {"c": 2**70}}
    where = [store.add(pack(value)) for value in (plain, recursive, {})]
    store.finish()
    assert unpack((store, *where[0])) == plain
    again = unpack((store, *where[1]))
    assert again[0] is again
    assert unpack((store, *where[2])) == {}
    store.close()


def test_a_packed_file_unpacks_to_the_same_manifests():
    text = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: ns\ndata:\n  k: v\n" \
           b"---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: s}\n"
    loaded = load_file("x.yaml", text)
    store = PackStore()
    packed = pack_file(loaded, [None] * len(loaded.manifests), store)
    store.finish()
    result, labels = unpack_file(packed, store)
    assert [(m.ref, m.document, m.base, m.data) for m in result.manifests] == \
        [(m.ref, m.document, m.base, m.data) for m in loaded.manifests]
    assert labels == [None, None] and result.source.document_lines == loaded.source.document_lines
    store.close()


def test_without_a_summary_a_file_is_still_packed_and_released():
    """A serial run has no other process to send summaries to: pack_file only packs, and each
    manifest can still drop its data and unpack it again."""
    text = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n"
    loaded = load_file("x.yaml", text)
    expected = [dict(m.data) for m in loaded.manifests]
    store = PackStore()
    assert pack_file(loaded, [None], store, summary=False) is None
    store.finish()
    manifest = loaded.manifests[0]
    assert manifest.release() and not manifest.unpacked
    assert manifest.data == expected[0] and manifest.unpacked
    store.close()


def test_a_packed_manifest_once_released_holds_no_container_of_its_own():
    """A large run keeps a Manifest per object to the end: once its data is packed away it
    refers only to shared things (its file, the store, the empty base pointer), its ObjectRef
    and ints; no tuple, list or dict per object (the packed tuple was 120 bytes of each)."""
    import gc

    text = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n"
    loaded = load_file("x.yaml", text)
    store = PackStore()
    pack_file(loaded, [None], store, summary=False)
    store.finish()
    manifest = loaded.manifests[0]
    assert manifest.release()
    held = [o for o in gc.get_referents(manifest) if o is not None]
    assert {type(o).__name__ for o in held} <= {"SourceFile", "PackStore", "ObjectRef", "tuple", "int", "type"}
    assert [o for o in held if isinstance(o, (tuple, list, dict))] == [()]  # the base of a document
    assert manifest.data == {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "v"}}
    store.close()
