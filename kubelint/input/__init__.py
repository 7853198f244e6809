"""Input: which files to read, rendered input (kustomize, Helm), bytes -> YAML/JSON documents -> manifests, and lazy positions."""
