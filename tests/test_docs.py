"""The documentation cannot drift from the code: every project setting is documented with its real
default, the exit codes are the ones the code returns, links resolve, and nothing points outside
the repository. The README stays a front door (a few screens), the reference lives in docs/."""
from __future__ import annotations

import json
import re
from pathlib import Path

from crawler import settings
from pipelines import outcome
from tests.conftest import REPO_ROOT

DOCS = REPO_ROOT / "docs"
PAGES = [REPO_ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
ROW = re.compile(r"^\| `([A-Z_]+)` \| (.+?) \| (.+) \|$")
OUTSIDE = ("DESIGN.md", "portal-platforms.md", "anchors.md", "style-models.md", "seed-article.txt")


def project_settings() -> dict[str, object]:
    """The project's own settings: ARCHIVE_DB, SAMPLE_PORTAL_URL and every PORTAL_* name."""
    return {name: getattr(settings, name) for name in dir(settings)
            if name == "ARCHIVE_DB" or name.startswith(("PORTAL_", "SAMPLE_"))}


def render(value: object) -> str:
    """A default as the settings table writes it."""
    if isinstance(value, str) and value.startswith(str(REPO_ROOT)):
        value = str(Path(value).relative_to(REPO_ROOT))
    if isinstance(value, (dict, list)):
        return f"`{json.dumps(value, ensure_ascii=False)}`"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{value}`"


def settings_table() -> dict[str, str]:
    text = (DOCS / "operations.md").read_text(encoding="utf-8")
    section = text.split("## Settings", 1)[1]
    return {m.group(1): m.group(2) for m in map(ROW.match, section.splitlines()) if m}


def test_every_setting_is_documented_with_its_default() -> None:
    documented = settings_table()
    code = project_settings()
    assert set(documented) == set(code), (sorted(set(code) - set(documented)), sorted(set(documented) - set(code)))
    wrong = {name: (documented[name], render(value)) for name, value in code.items()
             if not documented[name].startswith(render(value))}
    assert not wrong, wrong


def test_exit_codes_are_the_ones_the_code_returns() -> None:
    text = (DOCS / "operations.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d) \| (.+) \|$", text.split("## Exit codes", 1)[1].split("\n## ", 1)[0], re.MULTILINE)
    codes = {int(code) for code, _ in rows}
    constants = {getattr(outcome, n) for n in dir(outcome) if n.startswith("EXIT_")}
    assert codes == constants == set(range(7))
    # The module docstring of pipelines/outcome.py lists the same codes.
    assert {int(c) for c in re.findall(r"^    (\d)  ", outcome.__doc__ or "", re.MULTILINE)} == constants


def test_links_resolve_and_nothing_points_outside_the_repository() -> None:
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for name in OUTSIDE:
            assert name not in text, f"{page.name} refers to {name}, which is not in the repository"
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def test_the_readme_fits_on_a_few_screens() -> None:
    lines = (REPO_ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200
    quick_start = "\n".join(lines).split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert quick_start.count("```sh") == 2  # exactly two shell commands: the main job, the tests
