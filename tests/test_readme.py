"""The README states what the code does: its settings table and its two commands."""

from __future__ import annotations

import re

from kb import settings
from kb.settings import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_settings_table_lists_every_setting_with_its_default() -> None:
    block = re.search(r"<!-- settings-table -->\n(.*?)\n<!-- /settings-table -->", README, re.S)
    assert block, "README lacks the settings table markers"
    assert block.group(1) == settings.markdown_table(), "run `python -m kb settings` and paste the table"


def test_two_commands_and_ci() -> None:
    assert "make run" in README and "make test" in README
    assert "make test" in (PROJECT_ROOT / ".ci" / "run").read_text()
