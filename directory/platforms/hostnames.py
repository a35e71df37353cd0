"""Host names that imitate another site, or that name an address inside a network.

Used by `urls.check_public_url` when a link is typed in (import, admin, submission), before any
DNS lookup; the fetch-time resolver check in `http.py` stays the last line for names that
resolve privately.

- **Lookalikes** (UTS #39, "moderately restrictive" in spirit): each label must be written in
  one script, or in Latin combined with the Han-based sets of Japanese, Chinese or Korean.
  `yоutube.com` with a Cyrillic `о` mixes Latin and Cyrillic and is refused. A label written
  wholly in Cyrillic or Greek letters that all look like Latin ones (`аррӏе.com`) under a Latin
  top-level domain is refused too, as browsers refuse to display it.
- **Wildcard DNS**: services such as nip.io answer any name that spells an address with that
  address (`10.0.0.1.nip.io` → 10.0.0.1), so a "public" name can point anywhere. Their names
  are refused, and so is any name that embeds a non-public IPv4 address.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata

from .base import UnsupportedURL

LOOKALIKE = "mixes letters from different alphabets in a way used to imitate other sites"
WILDCARD_DNS = "uses a wildcard DNS service that can point anywhere: enter the site's own name"

# Scripts allowed together in one label (UTS #39 "highly restrictive" sets).
_ALLOWED_MIXES = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
# Lower-case Cyrillic and Greek letters that look like Latin ones in common fonts.
_LATIN_LOOKALIKES = frozenset("аеһіјӏорԛѕԁսхуԝсвкмнтьгпαβεικνορτυχγ")
# Latin letters that pass for others (dotless i, script g, ...): never in an honest domain.
_LATIN_IMPOSTORS = frozenset("ıȷɡɑɩʀʏſ")
_WHOLE_SCRIPT_CONFUSABLE = frozenset({"CYRILLIC", "GREEK"})
_SCRIPT_ALIASES = {"CJK": "HAN", "IDEOGRAPHIC": "HAN"}

# Public wildcard-DNS services (name → the address it spells). Subdomains are refused.
WILDCARD_DNS_DOMAINS = frozenset(
    {"nip.io", "sslip.io", "xip.io", "traefik.me", "localtest.me", "lvh.me", "vcap.me"}
    | {"lacolhost.com", "localho.st", "fuf.me", "127-0-0-1.org", "backname.io", "nip.direct"}
)
# An IPv4 address spelled inside a name: 10.0.0.1, 10-0-0-1.
_EMBEDDED_IPV4 = re.compile(r"(?<![0-9])(\d{1,3})[.-](\d{1,3})[.-](\d{1,3})[.-](\d{1,3})(?![0-9])")


def _script(char: str) -> str | None:
    """The script of a letter, from its Unicode name; None for digits, marks and hyphens."""
    if not unicodedata.category(char).startswith("L"):
        return None
    word = unicodedata.name(char, "UNKNOWN").split(" ")[0].split("-")[0]
    return _SCRIPT_ALIASES.get(word, word)


def _unicode_label(label: str) -> str:
    """The label as a person reads it: `xn--` labels decoded, so punycode is checked too."""
    if label.startswith("xn--"):
        try:
            return label.encode("ascii").decode("idna")
        except UnicodeError:
            raise UnsupportedURL("not a valid http(s) URL") from None
    return label


def check_lookalike(host: str) -> None:
    """Raise UnsupportedURL if a label of `host` mixes scripts or imitates Latin letters."""
    labels = [_unicode_label(label) for label in host.lower().split(".")]
    latin_tld = labels[-1].isascii()
    for label in labels:
        if label.isascii():
            continue
        if any(char in _LATIN_IMPOSTORS for char in label):
            raise UnsupportedURL(LOOKALIKE)
        scripts = {s for s in map(_script, label) if s is not None}
        if len(scripts) > 1 and not any(scripts <= mix for mix in _ALLOWED_MIXES):
            raise UnsupportedURL(LOOKALIKE)
        letters = [char for char in label if _script(char) is not None]
        if (
            latin_tld
            and scripts <= _WHOLE_SCRIPT_CONFUSABLE
            and all(char in _LATIN_LOOKALIKES for char in letters)
        ):
            raise UnsupportedURL(LOOKALIKE)


def check_wildcard_dns(host: str) -> None:
    """Raise UnsupportedURL for wildcard-DNS names and names embedding a non-public IPv4."""
    host = host.lower()
    if any(host == domain or host.endswith("." + domain) for domain in WILDCARD_DNS_DOMAINS):
        raise UnsupportedURL(WILDCARD_DNS)
    for match in _EMBEDDED_IPV4.finditer(host):
        try:
            address = ipaddress.IPv4Address(".".join(str(int(part)) for part in match.groups()))
        except ValueError:
            continue
        if not address.is_global:
            raise UnsupportedURL("points at a private or local address")
