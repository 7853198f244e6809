"""Pod Security admission as `k8s.io/pod-security-admission` defines it: levels and versions
(api.py), one module per upstream `policy/check_*.go`, the versioned check registry
(registry.py), the namespace policy source (namespaces.py) and the evaluation of one object
(evaluate.py)."""
