"""Plain services: the I/O around the core, without Prefect.

Reading cycle files, planning and storing a year, publishing feeds, queueing and sending
e-mail, writing reports. Each takes a ``Settings`` (or an engine) handed in from the edge
– the CLI or a flow – and never reads the environment itself, so the same call does the
same thing from a flow, a command or a benchmark.
"""
