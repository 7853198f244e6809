"""Admission: what the cluster's admission chain would refuse at apply time, judged from the
objects of the set that configure it (LimitRange, ResourceQuota, ...)."""
