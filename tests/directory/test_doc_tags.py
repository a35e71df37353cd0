"""The scrollable_tables filter: wide document tables become focusable, uniquely named regions."""

from __future__ import annotations

from django.template import Context, Template
from django.utils.safestring import SafeString

from directory.templatetags.doc_tags import scrollable_tables

DOC = (
    '<h2 id="a">The <code>components</code> &amp; weights</h2><p>x</p>'
    "<table><tr><td>1</td></tr></table>"
    '<h2 id="b">Worked example</h2>'
    "<table><tr><td>2</td></tr></table><p>between</p><table><tr><td>3</td></tr></table>"
)


def test_each_table_is_wrapped_in_a_focusable_region_named_after_its_heading():
    out = scrollable_tables(SafeString(DOC))
    assert out.count('<div class="table-scroll" role="region" tabindex="0"') == 3
    assert 'aria-label="The components &amp; weights"><table><tr><td>1</td>' in out
    assert 'aria-label="Worked example"><table><tr><td>2</td>' in out
    # A second table under the same heading gets its own name: landmark names stay unique.
    assert 'aria-label="Worked example (table 2)"><table><tr><td>3</td>' in out
    assert out.count("</table></div>") == 3
    assert "<p>between</p>" in out


def test_a_table_before_any_heading_is_still_named():
    out = scrollable_tables(SafeString("<table><tr><td>1</td></tr></table>"))
    assert 'aria-label="Table"' in out


def test_text_without_tables_is_unchanged_and_the_filter_loads_in_templates():
    rendered = Template("{% load doc_tags %}{{ doc|scrollable_tables }}").render(
        Context({"doc": SafeString("<h2>Only</h2><p>text</p>")})
    )
    assert rendered == "<h2>Only</h2><p>text</p>"


def test_text_not_marked_safe_is_escaped_not_wrapped():
    out = scrollable_tables("<table><tr><td><script>x</script></td></tr></table>")
    assert "<table>" not in out and "&lt;script&gt;" in out
