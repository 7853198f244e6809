"""Kubernetes schemas and API deprecation data bundled with kubelint."""
