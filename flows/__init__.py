"""Where the core, the stored state and the feeds meet: orchestration and the CLI.

Flows only put I/O steps in order (load -> plan -> save -> render -> notify); the
business rules live in ``cycle`` and the storage in ``models``.
"""
