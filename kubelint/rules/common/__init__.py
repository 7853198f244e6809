"""Kubernetes helpers shared by every rule family: value shapes, pod containers, API groups.

A helper that two families need lives here once; a family's private helpers stay in its own
package."""
