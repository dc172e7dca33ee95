"""``arshjul completion``: the script, sourced by a real bash, completes commands,
actions, flows and options from the same table the parser is built from."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest

from cli.main import main

BASH = shutil.which("bash")


def script(shell: str) -> str:
    out = io.StringIO()
    assert main(["completion", shell], out=out, err=io.StringIO()) == 0
    return out.getvalue()


def complete(*words: str) -> list[str]:
    """What bash offers for the last of ``words`` (an empty string: a new word)."""
    array = " ".join(f"'{w}'" for w in ("arshjul", *words))
    probe = (
        f"{script('bash')}\nCOMP_WORDS=({array}); COMP_CWORD={len(words)}; _arshjul; "
        'printf "%s\\n" "${COMPREPLY[@]}"'
    )
    assert BASH is not None
    done = subprocess.run([BASH, "-c", probe], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.skipif(BASH is None, reason="needs bash")
def test_bash_completes_commands_actions_flows_and_options() -> None:
    assert complete("pl") == ["plan"]
    assert complete("feeds", "ex") == ["export"]
    assert complete("run", "plan-") == ["plan-year", "plan-organisation"]
    assert complete("plan", "--ye") == ["--year"]
    assert complete("feeds", "export", "--if") == ["--if-changed"]
    assert "status" in complete("")


def test_zsh_loads_the_same_completion_through_bashcompinit() -> None:
    zsh = script("zsh")
    assert "bashcompinit" in zsh and "complete -F _arshjul arshjul" in zsh
