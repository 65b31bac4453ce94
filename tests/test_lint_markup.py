"""Source lint on Markdown and HTML reads the prose, never the markup; `lint --fix` leaves markup alone."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from tests_helpers import invoke

from pipeline.readers import prose_view

DATA = Path(__file__).parent / "data"

MARKDOWN = """# Talks in latin America

Mexico‘s envoy met the cartels.These talks were [long](https://example.org/a.b?c=Mexico‘s "cartels.These") and `obj.Name` ran.

```python
obj.Name = "Mexico‘s"  # cartels.These thier
```

~~~
tbody.Name
~~~

Leaders spoke at <span title="cartels.These">the summit</span>.
"""
HTML = """<!DOCTYPE html>
<html><head><title>Talks</title><style>td.Name { color: red }</style></head><body><article>
<h1>Talks in latin America</h1>
<p>Mexico‘s envoy met the cartels.These talks were <a href="https://example.org/a.b?c=Mexico‘s" title="cartels.These">long</a> and <code>obj.Name</code> ran.</p>
<pre><code>obj.Name = "Mexico‘s"</code></pre>
<!-- thier cartels.These -->
<p data-x="thier,word">Leaders &amp; envoys spoke.</p>
</article></body></html>
"""
# Markup that must survive `lint --fix` byte for byte.
KEPT = {
    "a.md": ['(https://example.org/a.b?c=Mexico‘s "cartels.These")', "`obj.Name`", 'obj.Name = "Mexico‘s"  # cartels.These thier', "tbody.Name", 'title="cartels.These"'],
    "b.html": ['href="https://example.org/a.b?c=Mexico‘s"', 'title="cartels.These"', "<code>obj.Name</code>", 'obj.Name = "Mexico‘s"', 'data-x="thier,word"', "td.Name", "<!-- thier cartels.These -->"],
}  # fmt: skip


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    (tmp_path / "a.md").write_text(MARKDOWN, encoding="utf-8")
    (tmp_path / "b.html").write_text(HTML, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("name", ["short-article.md", "short-article.html"])
def test_the_clean_test_articles_lint_clean(tmp_path: Path, name: str) -> None:
    shutil.copy(DATA / name, tmp_path / name)
    result = invoke(tmp_path, "lint", "--json", name)
    assert result.exit_code == 0 and json.loads(result.stdout) == []


@pytest.mark.parametrize("name", ["a.md", "b.html"])
def test_lint_reports_the_prose_and_nothing_of_the_markup(articles: Path, name: str) -> None:
    rows = json.loads(invoke(articles, "lint", "--json", name).stdout)
    assert sorted((row["line"], row["code"]) for row in rows) == sorted(
        [(prose_line(name, "latin America"), "name-casing")]
        + [(prose_line(name, "Mexico‘s envoy"), code) for code in ("quote-character", "missing-space")]
    )
    for row in rows:
        assert not re.search(r"href|thead|tbody|td|obj|thier|charset|html", row["message"]), row


@pytest.mark.parametrize("name", ["a.md", "b.html"])
def test_lint_fix_leaves_code_and_attributes_byte_for_byte(articles: Path, name: str) -> None:
    result = invoke(articles, "lint", "--fix", name)
    fixed = (articles / name).read_text(encoding="utf-8")
    assert "Mexico’s envoy met the cartels. These talks" in fixed  # the prose is fixed
    for markup in KEPT[name]:
        assert markup in fixed, markup
    assert fixed.count("\n") == (MARKDOWN if name == "a.md" else HTML).count("\n")
    assert result.exit_code == 0


@pytest.mark.parametrize("text", [MARKDOWN, HTML])
def test_the_prose_view_keeps_every_offset_and_line(text: str) -> None:
    name = "a.md" if text is MARKDOWN else "b.html"
    prose = prose_view(text, Path(name))
    assert len(prose) == len(text) and prose.count("\n") == text.count("\n")
    assert all(a == b or a == " " for a, b in zip(prose, text))


def prose_line(name: str, fragment: str) -> int:
    text = MARKDOWN if name == "a.md" else HTML
    return next(number for number, line in enumerate(text.split("\n"), start=1) if fragment in line)
