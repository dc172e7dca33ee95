"""Prefect plumbing shared by the flows: the catalogue (flows as data, Prefect-free), the
run context (settings, moment, trigger, audit), every task, and the deployments."""
