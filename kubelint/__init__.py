"""kubelint: lint and validate Kubernetes manifests."""

__version__ = "0.1.0"
