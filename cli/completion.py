"""``arshjul completion bash|zsh``: a shell completion script, written from the same
command table that builds the parser, so it never lists a command that is gone."""

from __future__ import annotations

import shlex

from flows.runtime.catalogue import CATALOGUE

from .arguments import Command, Invocation, option

BASH = """\
# arshjul: kompletteringar för bash (från `arshjul completion bash`)
_arshjul() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" command="${{COMP_WORDS[1]}}" words=""
    if [[ $COMP_CWORD -eq 1 ]]; then
        words={commands}
    else
        case "$command" in
{cases}
        esac
    fi
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}}
complete -F _arshjul arshjul
"""
ZSH = """\
# arshjul: kompletteringar för zsh (från `arshjul completion zsh`)
autoload -U +X bashcompinit && bashcompinit
{bash}"""


def _words(items: list[str]) -> str:
    return shlex.quote(" ".join(items))


def _flags(command: Command) -> list[str]:
    return [f for o in command.options for f in o.flags if f.startswith("--")] + ["--verbose"]


def bash_script(commands: tuple[Command, ...]) -> str:
    """The bash completion for ``commands``: command names, then each command's actions
    (the second word) or flows (after ``run``), then its options."""
    cases = []
    for c in commands:
        if c.actions:
            second = [a.name for a in c.actions]
            later = sorted({f for a in c.actions for f in _flags(a)})
            body = (
                f"if [[ $COMP_CWORD -eq 2 ]]; then words={_words(second)}; "
                f"else words={_words(later)}; fi"
            )
        elif c.name == "run":
            body = (
                f"if [[ $COMP_CWORD -eq 2 ]]; then words={_words(list(CATALOGUE))}; "
                f"else words={_words(_flags(c))}; fi"
            )
        elif c.name == "completion":
            body = "words='bash zsh'"
        else:
            body = f"words={_words(_flags(c))}"
        cases.append(f"            {c.name}) {body} ;;")
    names = [c.name for c in commands]
    return BASH.format(commands=_words(names), cases="\n".join(cases))


def completion(call: Invocation) -> int:
    """Print the script for the asked shell."""
    script = bash_script(call.commands)
    call.out.write(script if call.args.shell == "bash" else ZSH.format(bash=script))
    return 0


COMPLETION = Command(
    "completion",
    "skriv ett kompletteringsskript för bash eller zsh",
    "Skriver ett skript som låter skalet fylla i kommandon, åtgärder, flöden och "
    'flaggor med Tab. bash: `eval "$(arshjul completion bash)"` i ~/.bashrc; '
    'zsh: `eval "$(arshjul completion zsh)"` i ~/.zshrc.',
    (option("shell", choices=["bash", "zsh"], metavar="SKAL", help="bash eller zsh"),),
    completion,
)
COMMANDS = (COMPLETION,)
