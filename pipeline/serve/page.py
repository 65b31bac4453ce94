"""The editor page: the static review page plus an edit button per segment and one editing panel.

Built with lxml like every page (translation text is never pasted into markup). The
editor's script reads what it shows from the page itself (the segment details list and
data attributes), so the panel needs no second source of truth.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote, urlencode

from lxml import etree

from pipeline.engines import known_marks
from pipeline.model import EntryState, Locale
from pipeline.publish.pages import STYLE, build_page, page_frame, segment_anchor, segment_numbers, serialize
from pipeline.serve.editing import ArticleState

EDITOR_STYLE = """
.editor-nav{font-family:Helvetica,Arial,sans-serif;margin:1rem 0}
.editor-nav a{display:inline-block;padding:.3rem .5rem}
button{font:inherit;font-family:Helvetica,Arial,sans-serif;min-height:2.25rem;padding:.3rem .7rem;border:1px solid #1a56a8;
border-radius:4px;background:#fff;color:#1a56a8;cursor:pointer}
button.primary{background:#1a56a8;color:#fff}
button:focus-visible,a:focus-visible,textarea:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
button.edit{min-height:1.5rem;min-width:1.5rem;padding:0 .25rem;margin:0 .1rem;font-size:.8rem;line-height:1.4;vertical-align:baseline}
main .seg{cursor:pointer}
#editor{font-family:Helvetica,Arial,sans-serif;font-size:.95rem;background:#fff;border:2px solid #1a56a8;padding:.5rem 1rem;
position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;box-shadow:0 -2px 8px rgba(0,0,0,.25)}
@media (max-width:74.99rem){body.editing{padding-bottom:62vh}}
@media (min-width:75rem){body{margin-left:2rem}#editor{left:auto;top:1rem;right:1rem;bottom:auto;width:24rem;
max-height:calc(100vh - 2rem)}}
#editor h2{font-size:1.1rem;margin:.3rem 0}#editor h3{font-size:.95rem;margin:.6rem 0 .2rem}
#editor .source{margin:.2rem 0}#editor ul.messages{margin:.2rem 0;padding-left:1rem;list-style:none}
#editor textarea{box-sizing:border-box;width:100%;font:1rem/1.4 Georgia,serif;padding:.3rem}
#editor input,#editor select{font:inherit;min-height:2rem;box-sizing:border-box;width:100%}
#editor .actions{display:flex;flex-wrap:wrap;gap:.4rem;margin:.4rem 0}
#editor label{display:block;font-weight:600;margin:.4rem 0 .1rem}
#editor-status{font-weight:600;min-height:1.2rem}#editor-status.error{color:#b71c1c}
#editor .conflict{border:1px solid #b71c1c;padding:.3rem .6rem;margin:.4rem 0}
"""


def article_url(locale: Locale, slug: str) -> str:
    return f"/review/{quote(locale.tag)}/{quote(slug)}"


def with_token(url: str, token: str) -> str:
    return f"{url}?{urlencode({'token': token})}"


def editor_page(state: ArticleState, token: str) -> str:
    """The served review page for one article and locale, ready to edit."""
    article = state.article
    html = build_page(article, review=True, marks=known_marks())
    head = html.find("head")
    assert head is not None
    head.find("style").text += EDITOR_STYLE  # type: ignore[union-attr, operator]
    etree.SubElement(head, "script", src="/static/editor.js", defer="defer")
    body = html.find("body")
    assert body is not None
    url = article_url(article.locale, article.document.slug)
    body.set("data-token", token)
    body.set("data-version", state.version)
    body.set("data-save-url", f"{url}/entry")
    body.set("data-page-url", with_token(url, token))

    nav = etree.Element("nav", {"class": "editor-nav", "aria-label": "newsloc", "lang": "en"})
    back = etree.SubElement(nav, "a", href=with_token("/", token))
    back.text = "All articles"
    back.tail = f" · editing {article.document.slug} ({article.locale.tag}) · select a segment or its ✎ button"
    body.insert(0, nav)

    numbers = segment_numbers(article)
    by_anchor = {segment_anchor(view): view for view in article.views}
    for span in body.iterfind(".//main//span[@data-key]"):
        view = by_anchor[span.get("id", "")]
        span.set("data-msgid", view.segment.text)
        span.set("data-target", view.target)
        if any(element.tag in ("a", "button") for element in span.iterancestors()):
            continue  # no control inside a link (the TOC): the details list offers this segment too
        button = etree.Element(
            "button",
            {
                "type": "button",
                "class": "edit",
                "data-segment": span.get("id", ""),
                "aria-controls": "editor",
                "aria-label": f"Edit segment {numbers[view.segment]}",
                "lang": "en",
            },
        )
        button.text = "✎"
        button.tail, span.tail = span.tail, None
        span.addnext(button)
    details = body.find(".//section[@id='segment-details']")
    if details is not None:
        for item in details.iterfind("./ol/li"):
            anchor = item.get("id", "").removeprefix("detail-")
            where = item.find("p")
            if where is not None and anchor in by_anchor:
                where[-1].tail = " · "
                button = etree.SubElement(
                    where,
                    "button",
                    {"type": "button", "class": "edit", "data-segment": anchor, "aria-controls": "editor"},
                )
                button.text = "Edit"
    body.append(editor_panel(article.locale))
    return serialize(html)


def editor_panel(locale: Locale) -> etree._Element:
    """The panel the script fills for the selected segment (hidden until one is selected)."""
    panel = etree.Element(
        "aside", {"id": "editor", "aria-labelledby": "editor-heading", "lang": "en", "hidden": "hidden"}
    )
    etree.SubElement(panel, "h2", id="editor-heading").text = "Segment"
    etree.SubElement(panel, "p", {"class": "where", "id": "editor-where"})
    etree.SubElement(panel, "h3").text = "English source"
    etree.SubElement(panel, "p", {"class": "source", "id": "editor-source", "lang": "en"})
    etree.SubElement(panel, "h3").text = "Flags"
    etree.SubElement(panel, "ul", {"class": "messages", "id": "editor-flags"})
    suggestions = etree.SubElement(panel, "div", {"id": "editor-suggestions", "hidden": "hidden"})
    etree.SubElement(suggestions, "h3").text = "Suggestions"
    etree.SubElement(suggestions, "ul", {"id": "editor-suggestions-list", "class": "messages"})

    form = etree.SubElement(panel, "form", {"id": "edit-form"})
    label = etree.SubElement(form, "label", {"for": "edit-text"})
    label.text = f"Translation ({locale.tag})"
    etree.SubElement(form, "textarea", {"id": "edit-text", "name": "text", "rows": "5", "lang": locale.tag}).text = ""
    actions = etree.SubElement(form, "div", {"class": "actions"})
    for value, text, css in (("reviewed", "Save as reviewed", "primary"), ("draft", "Save as draft", "")):
        button = etree.SubElement(actions, "button", {"type": "submit", "name": "state", "value": value})
        button.text = text
        if css:
            button.set("class", css)
    close = etree.SubElement(actions, "button", {"type": "button", "id": "editor-close"})
    close.text = "Close"

    silence = etree.SubElement(panel, "form", {"id": "silence-form"})
    label = etree.SubElement(silence, "label", {"for": "silence-code"})
    label.text = "Silence one flag on this segment"
    etree.SubElement(silence, "select", {"id": "silence-code", "name": "code"})
    label = etree.SubElement(silence, "label", {"for": "silence-reason"})
    label.text = "Reason (kept in the PO as “newsloc: ignore CODE — reason”)"
    etree.SubElement(
        silence,
        "input",
        {"id": "silence-reason", "name": "reason", "type": "text", "maxlength": "300", "required": "required"},
    )
    actions = etree.SubElement(silence, "div", {"class": "actions"})
    etree.SubElement(actions, "button", {"type": "submit"}).text = "Silence flag"

    etree.SubElement(panel, "p", {"id": "editor-status", "role": "status"})
    other = etree.SubElement(panel, "div", {"class": "conflict", "id": "editor-conflict", "hidden": "hidden"})
    etree.SubElement(other, "h3").text = "The text on disk now"
    etree.SubElement(other, "p", {"id": "editor-other", "lang": locale.tag})
    reload_button = etree.SubElement(other, "button", {"type": "button", "id": "editor-reload"})
    reload_button.text = "Reload the page"
    return panel


def index_page(rows: Sequence[tuple[str, Locale, ArticleState | None, str]], token: str) -> str:
    """Every served article and locale, with its state and a link to edit it (rows: slug, locale, state, problem)."""
    html, _head = page_frame("en", "newsloc review", STYLE + EDITOR_STYLE, noindex=True)
    body = etree.SubElement(html, "body")
    main = etree.SubElement(body, "main")
    etree.SubElement(main, "h1").text = "Review in context"
    if not rows:
        etree.SubElement(main, "p").text = "No articles to review."
    items = etree.SubElement(main, "ul")
    for slug, locale, state, problem in rows:
        item = etree.SubElement(items, "li")
        if state is None:
            item.text = f"{slug} ({locale.tag}): {problem}"
            continue
        link = etree.SubElement(item, "a", href=with_token(article_url(locale, slug), token))
        link.text = f"{slug} ({locale.tag})"
        views = state.article.views
        reviewed = sum(view.state == EntryState.REVIEWED for view in views)
        flagged = sum(bool(view.flags) for view in views)
        link.tail = f" — {reviewed} of {len(views)} segments reviewed, {flagged} flagged"
    return serialize(html)
