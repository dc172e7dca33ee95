"""Prefect flows: one module per process, each flow a short list of I/O steps.

load -> plan (plain calls into ``cycle``) -> save -> render -> notify. The Prefect
plumbing – the catalogue of flows, run context, tasks and deployments – is in
``flows.runtime``; the plain services the tasks call are in ``services``.
"""
