"""Pod containers as rules walk them: which groups a pod template holds, in the API server's
order, shared between the rules of one object."""

from __future__ import annotations

import functools
import weakref
from typing import Any, Callable, List, Tuple, TypeVar

from ...model.objects import POD_TEMPLATE_PATHS, Container, PodTemplate, as_list
from ...named_tuple import NamedTuple

POD_KINDS = frozenset(POD_TEMPLATE_PATHS)
INIT, REGULAR, EPHEMERAL = "initContainers", "containers", "ephemeralContainers"


def container_group(container: Container) -> str:
    return str(container.pointer[-2])


def is_sidecar(container: Container) -> bool:
    """An init container with restartPolicy: Always runs beside the app for the pod's lifetime."""
    return container_group(container) == INIT and container.data.get("restartPolicy") == "Always"


def runs_with_pod(container: Container) -> bool:
    return container_group(container) == REGULAR or is_sidecar(container)


def container_label(container: Container) -> str:
    name = container.name
    return f'container "{name}"' if name else "this container"


_Key = TypeVar("_Key")
_Result = TypeVar("_Result")


def shared_per_object(compute: Callable[[_Key], _Result]) -> Callable[[_Key], _Result]:
    """Remember `compute(key)` for the last key only, compared by identity.

    The engine runs every rule on one object before it moves to the next, so one slot lets the
    rules of an object share what they derive from it (containers, quantities, references)
    without keeping anything of earlier objects alive.
    """
    # (weak reference to the key, its result), replaced as one tuple so a reader never pairs
    # one key with another key's result.
    last: List[Tuple[Callable[[], Any], Any]] = [(lambda: None, None)]

    @functools.wraps(compute)
    def cached(key: _Key) -> _Result:
        ref, result = last[0]
        if ref() is key:
            return result  # type: ignore[no-any-return]
        result = compute(key)
        last[0] = (weakref.ref(key), result)
        return result

    return cached


def shared_per_object_in_set(compute: Callable[[_Key, Any], _Result]) -> Callable[[_Key, Any], _Result]:
    """`compute(obj, ctx)` remembered like shared_per_object, for what also depends on the set:
    the last answer is reused only for the same object and the same set index (ctx.index)."""
    # (weak reference to the object, weak reference to the index, the result), as one tuple.
    last: List[Tuple[Callable[[], Any], Callable[[], Any], Any]] = [(lambda: None, lambda: None, None)]

    @functools.wraps(compute)
    def cached(key: _Key, ctx: Any) -> _Result:
        ref, index_ref, result = last[0]
        if ref() is key and index_ref() is ctx.index:
            return result  # type: ignore[no-any-return]
        result = compute(key, ctx)
        last[0] = (weakref.ref(key), weakref.ref(ctx.index), result)
        return result

    return cached


class _Containers(NamedTuple):
    every: Tuple[Container, ...]  # initContainers, containers, then ephemeralContainers
    pod: Tuple[Container, ...]  # initContainers then containers (PodTemplate.containers())
    regular: Tuple[Container, ...]  # containers only


@shared_per_object
def _containers(template: PodTemplate) -> _Containers:
    pod = template.containers(include_init=True)
    ephemeral = [Container(template.pointer + ("spec", EPHEMERAL, index), data, False)
                 for index, data in enumerate(as_list(template.spec.get(EPHEMERAL))) if isinstance(data, dict)]
    return _Containers(tuple(pod + ephemeral), tuple(pod), tuple(c for c in pod if container_group(c) == REGULAR))


def all_containers(template: PodTemplate) -> Tuple[Container, ...]:
    """initContainers, containers, then ephemeralContainers (the order of VisitContainersWithPath)."""
    return _containers(template).every


def pod_containers(template: PodTemplate) -> Tuple[Container, ...]:
    """initContainers then containers, as PodTemplate.containers() gives them."""
    return _containers(template).pod


def regular_containers(template: PodTemplate) -> Tuple[Container, ...]:
    """containers only, as PodTemplate.containers(include_init=False) gives them."""
    return _containers(template).regular
