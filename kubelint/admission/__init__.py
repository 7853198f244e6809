"""What a cluster's admission chain would refuse at apply time, computed from the set.

Pure admission logic, below the rules: one package per admission plugin (pod_security/ for
`k8s.io/pod-security-admission`; LimitRange, ResourceQuota, ValidatingAdmissionPolicy and node
shapes go beside it). Rules in kubelint/rules/ turn its results into findings."""
