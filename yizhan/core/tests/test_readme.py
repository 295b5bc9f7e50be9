"""The README tells a newcomer what the machine needs, how to run on another port and how to stop (issue 9, finding
15); the two commands are the ones CI runs."""

from pathlib import Path

README = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")


def test_the_readme_names_prerequisites_port_and_how_to_stop():
    for needed in ("Python ≥ 3.11", "Node.js with npm", "CJK font", "make run PORT=8080", "HOST=0.0.0.0", "Ctrl-C"):
        assert needed in README, needed


def test_the_two_commands_are_make_run_and_make_test():
    assert "make run" in README
    assert "make test" in README
    ci = (Path(__file__).resolve().parents[3] / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
