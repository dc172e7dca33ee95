"""``arshjul``: the command line. It parses, calls a flow or a service, and prints.

Every command is described as data (``commands.COMMANDS``) and run with one signature,
``run(call: Invocation) -> int``. Every message a user sees is Swedish; bad input prints
one sentence naming the file, line, field and value, and exits with status 2 without
writing anything.
"""
