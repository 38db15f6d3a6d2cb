"""Posting text before matching: HTML stripped and boilerplate dropped (``data.extract`` rule 1).

HTML tags are removed (block tags become line breaks) and entities decoded.
Boilerplate is dropped before matching: sections whose heading is about benefits, perks, "what
we offer", compensation, "about us"/the company, equal opportunity/diversity, how to apply; and,
anywhere, sentences of equal-opportunity or accommodation statements. A section ends at the next
heading about the job itself (responsibilities, requirements, skills, "about the role", …) or
at any other heading line ending in ``:``.

Imports no polars so that matcher worker processes start fast.
"""
from __future__ import annotations

import html
import re
from bisect import bisect_left
from functools import lru_cache

import ahocorasick

_SCRIPT_RE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_TAG_RE = re.compile(
    r"<\s*/?\s*(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|header|footer|hr|"
    r"blockquote|pre|dd|dt|dl)\b[^>]*>", re.IGNORECASE)
_TAG_RE = re.compile(r"<[^>]{0,500}>")
# Whitespace is tidied with str.translate/replace (C speed); a regex over every space is ~30 µs.
_SPACES = str.maketrans({"\t": " ", "\r": " ", "\f": " ", "\v": " ", "\u00a0": " "})


def _tidy_spaces(text: str) -> str:
    text = text.translate(_SPACES)
    while "  " in text:
        text = text.replace("  ", " ")
    return text

# Heading patterns are applied to the lower-cased heading text (no IGNORECASE: faster in ``re``).
_BOILER_HEAD = re.compile(
    r"(?:(?:our |the |employee |your )?benefits?|perks?(?: and benefits)?|perks? & benefits|"
    r"what we offer|what's in it for you|what you(?:'ll| will) get|we offer|why (?:join|work)\b.*|"
    r"about (?!you\b|the (?:role|job|position|team|opportunity)\b|this (?:role|job|position|"
    r"team|opportunity)\b)[\w&.'-]+(?: [\w&.'-]+){0,2}|who we are|"
    r"our (?:company|story|mission|culture|values)|life at\b.*|"
    r"equal (?:employment )?opportunit.*|eeo.*|diversity.*|inclusion.*|"
    r"(?:compensation|salary|pay|total rewards)(?: (?:and|&) benefits| range| transparency)?|"
    r"how to apply|application process|privacy(?: notice| policy)?|disclaimer|legal notice|"
    r"accommodations?|reasonable accommodations?)$")
_CONTENT_HEAD = re.compile(
    r"responsibilit|requirement|qualification|skills|what you(?:'ll| will) do|you (?:will|have|bring)|"
    r"about (?:you|the role|the job|the position|the team|the opportunity|this role|this job|"
    r"this position|this team|this opportunity)|the role|your role|role overview|"
    r"job description|description|duties|experience|must[- ]haves?|nice[- ]to[- ]haves?|bonus|"
    r"preferred|tech(?:nology)? stack|our stack|tools|the team|looking for|who you are|profile|"
    r"day[- ]to[- ]day|overview|summary|position|mission of the role|what we need|expectations")
_EEO_RE = re.compile(
    r"equal (?:employment )?opportunit|affirmative action|without regard to|regardless of (?:race|"
    r"age|gender|sex|religion)|reasonable accommodation|e-verify|protected veteran|"
    r"sexual orientation|gender identity|national origin|drug[- ]free workplace",
    re.IGNORECASE)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")
# A heading written inline after a sentence ("... great team. Benefits: ...") starts a new line.
_INLINE_HEAD = re.compile(r"([.!?])[ \t]+(?=(?:[A-Z][\w'&/-]*[ \t]){0,3}[A-Z][\w'&/-]*[ \t]?:)")
# Substrings that flag a line for the (slower) equal-opportunity regex; found with str.find.
_EEO_KEYS = ("opportunit", "affirmative", "without regard", "regardless of", "accommodation",
             "e-verify", "veteran", "orientation", "gender identity", "national origin", "drug")


def _build_eeo_automaton() -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for key in _EEO_KEYS:
        auto.add_word(key, len(key))
    auto.make_automaton()
    return auto


_EEO_AUTO = _build_eeo_automaton()


def _eeo_positions(low: str) -> list[int]:
    """Sorted start positions of EEO key substrings in lower-cased text (one C-speed pass)."""
    return sorted(end - n + 1 for end, n in _EEO_AUTO.iter(low))


_BULLET_CHARS = " \t-*•·–—#>"


def strip_html(text: str) -> str:
    """Plain text from an HTML fragment (block tags become line breaks, entities decoded)."""
    if "<" in text:
        text = _SCRIPT_RE.sub(" ", text)
        text = _BLOCK_TAG_RE.sub("\n", text)
        text = _TAG_RE.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return text


@lru_cache(maxsize=8192)   # headings repeat across postings ("Requirements:", "Benefits")
def _heading(line: str) -> tuple[str, str] | None:
    """(kind, rest) when the line starts with a heading; kind is 'boiler' or 'content'."""
    stripped = line.lstrip(_BULLET_CHARS).strip().strip("*_").strip()
    if not stripped:
        return None
    question, qmark, after = stripped.partition("?")
    if qmark and len(question) <= 60 and _BOILER_HEAD.match(question.strip().lower()):
        return "boiler", after   # "Why join us? We …"
    head, sep, rest = stripped.partition(":")
    if sep and len(head) <= 60 and head.count(" ") <= 6:
        head = head.strip().strip("*_").strip()
    elif len(stripped) <= 60 and stripped.count(" ") <= 6 and stripped[-1] not in ".,;!?":
        head, rest, sep = stripped, "", ""
    else:
        return None
    head = head.lower()
    boiler = _BOILER_HEAD.match(head) is not None
    if not boiler and _CONTENT_HEAD.search(head):
        return "content", rest
    if boiler:
        return "boiler", rest
    if sep and not rest.strip():
        return "content", rest
    return None


def remove_boilerplate(text: str) -> str:
    """Drop benefits/about-us/EEO sections and equal-opportunity sentences (see module rules)."""
    lines = text.split("\n")
    if any(len(line) > 40 and ":" in line for line in lines):
        text = "\n".join(_INLINE_HEAD.sub("\\1\n", line) if len(line) > 40 and ":" in line else line
                         for line in lines)
        lines = text.split("\n")
    low = text.lower()
    eeo_at = _eeo_positions(low) if len(low) == len(text) else []
    keep: list[str] = []
    boiler = False
    pos = 0
    for line in lines:
        start, pos = pos, pos + len(line) + 1
        tail = line.rstrip()
        if not tail:
            continue
        if ":" in line[:64] or "?" in line[:64] or (len(tail) <= 80 and tail[-1] not in ".,;!?"):
            head = _heading(line)
            if head is not None:
                boiler = head[0] == "boiler"
                if boiler:
                    continue
        if boiler:
            continue
        if eeo_at and _in_range(eeo_at, start, pos) and _EEO_RE.search(line):
            keep.append(" ".join(s for s in _SENTENCE_SPLIT.split(line) if not _EEO_RE.search(s)))
        else:
            keep.append(line)
    return "\n".join(keep)


def _in_range(sorted_positions: list[int], lo: int, hi: int) -> bool:
    i = bisect_left(sorted_positions, lo)
    return i < len(sorted_positions) and sorted_positions[i] < hi


def clean_text(text: str) -> str:
    """HTML stripped, boilerplate removed, whitespace tidied."""
    text = strip_html(text)
    text = _tidy_spaces(text)
    return remove_boilerplate(text)
