"""Rules KL504-KL505: container images, required by pkg/apis/core/validation/validation.go
(validateContainerCommon) and pinned to a version."""

from __future__ import annotations

from typing import Any, Iterator, Optional, Tuple

from ...findings import Severity
from ...model.objects import Container, K8sObject
from ..base import Report, Rule, RuleDoc
from ..common.pods import POD_KINDS, all_containers, container_label
from ..common.values import dotted, quoted


def _images(obj: K8sObject) -> Iterator[Tuple[Container, Any]]:
    """(container, its image value) for every container of the object's pod template."""
    template = obj.pod_template
    if template is None:
        return
    for container in all_containers(template):
        yield container, container.data.get("image")


class MissingImage(Rule):
    """A container without an image."""

    id = "KL504"
    name = "missing-image"
    severity = Severity.ERROR
    summary = "Every container names an image."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Reports a container, init container or ephemeral container whose image is missing or empty. "
             "The OpenAPI schema leaves `image` optional (for higher-level tools), but the API server's "
             "validation requires it for Pods and for the pod templates of every workload.",
        why="The API server rejects the object: spec.containers[0].image: Required value.",
        failing="containers:\n- name: web",
        passing="containers:\n- name: web\n  image: nginx:1.27")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        for container, image in _images(obj):
            pointer = container.pointer + ("image",)
            if image is None or image == "":
                yield Report(pointer if image == "" else container.pointer,
                             f"{dotted(pointer)}: {container_label(container)} has no image; the API server requires one")


def image_tag(image: str) -> Tuple[Optional[str], bool]:
    """(tag, pinned by digest) of an image reference; the tag is None when there is none.

    A colon before the last '/' is a registry port (localhost:5000/app), not a tag.
    """
    if "@" in image:
        return None, True
    slash, colon = image.rfind("/"), image.rfind(":")
    return (image[colon + 1:] if colon > slash else None), False


class LatestTag(Rule):
    """An image that floats: `:latest` or no tag at all."""

    id = "KL505"
    name = "latest-tag"
    severity = Severity.WARNING
    summary = "Images are pinned to a version tag or a digest, not latest."
    kinds = POD_KINDS
    doc = RuleDoc(
        what="Warns when a container image has the tag `latest` or no tag (which pulls latest). Images "
             "pinned by digest (`@sha256:...`) pass whatever their tag; a registry port "
             "(`localhost:5000/app`) is not mistaken for a tag. Images holding an unexpanded `$` "
             "variable are skipped.",
        why="`latest` changes under you: two replicas can run different code, a rollback redeploys the "
            "new image, and the default imagePullPolicy becomes Always.",
        failing="containers:\n- name: web\n  image: nginx",
        passing="containers:\n- name: web\n  image: nginx:1.27.3")

    def check(self, obj: K8sObject, ctx: Any) -> Iterator[Report]:
        for container, image in _images(obj):
            if not isinstance(image, str) or not image.strip() or "$" in image:
                continue
            tag, pinned = image_tag(image.strip())
            if pinned or (tag is not None and tag != "latest"):
                continue
            pointer = container.pointer + ("image",)
            what = 'has the tag "latest"' if tag == "latest" else 'has no tag, so it pulls "latest"'
            yield Report(pointer, f"{dotted(pointer)}: image {quoted(image)} {what}; pin a version tag or a "
                                  f"digest so every replica runs the same code")
