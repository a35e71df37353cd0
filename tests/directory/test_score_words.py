"""Score wording (issue #12 item 2): strengths with numbers, confidence consistent with evidence."""

from __future__ import annotations

from types import SimpleNamespace

from directory.templatetags import score_words


def breakdown(**values):
    return {
        "why": "Replies in most conversations",
        "components": [{"key": k, "label": k, "value": v} for k, v in values.items()],
    }


def test_strengths_name_the_two_strongest_conversational_components_with_numbers():
    data = breakdown(responsiveness=0.92, outreach=0.81, activity=0.5, reach=1.0)
    assert score_words.strengths(data) == (
        "Strongest: replies to comments 92/100, joins others' conversations 81/100"
    )


def test_card_why_falls_back_to_the_scorers_line_when_nothing_was_measured():
    data = breakdown(responsiveness=None, outreach=0, reach=0.9)
    assert score_words.card_why(data) == "Replies in most conversations"
    assert score_words.card_why({}) == ""


def creator(confidence, stale=False, **values):
    return SimpleNamespace(
        score_confidence=confidence, stats_stale=stale, score_breakdown=breakdown(**values)
    )


def test_confidence_is_never_high_beside_no_posts_in_the_period():
    assert score_words.evidence_label(creator(0.9, activity=0, responsiveness=0.5)) == "low"


def test_confidence_is_low_when_nothing_conversational_was_measured():
    assert score_words.evidence_label(creator(0.9, activity=0.4, reach=0.3)) == "low"


def test_confidence_follows_the_scorer_when_evidence_was_measured():
    assert score_words.evidence_label(creator(0.9, activity=0.4, outreach=0.5)) == "high"
    assert score_words.evidence_label(creator(0.9, True, activity=0.4, outreach=0.5)) == "medium"
    assert score_words.evidence_label(creator(0.1, activity=0.4, outreach=0.5)) == "low"


def test_initials_avatar_text_and_a_stable_tone():
    assert score_words.initials("Isla Fictley") == "IF"
    assert score_words.initials("Harbour Lights Demo Circle") == "HL"
    assert score_words.initials("  ") == "?"
    assert score_words.avatar_tone("Isla Fictley") == score_words.avatar_tone("Isla Fictley")
    assert 0 <= score_words.avatar_tone("Isla Fictley") < 6
