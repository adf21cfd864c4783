"""Names that stand for a party: capitals for their states, common short forms.

News writes "Moscow" for Russia and "Pyongyang" for North Korea. The model is asked to
report such aliases; this table catches the ones it forgets and folds parties it lists
twice ("Moscow" and "Russia") into one. Kept small and uncontroversial on purpose.
"""

from __future__ import annotations

__all__ = ["ALIASES", "canonical"]

#: canonical name -> names the press uses for it
ALIASES: dict[str, tuple[str, ...]] = {
    "Russia": ("Moscow", "Kremlin", "Russian Federation"),
    "North Korea": ("Pyongyang", "DPRK", "Democratic People's Republic of Korea"),
    "South Korea": ("Seoul", "Republic of Korea", "ROK"),
    "United States": ("Washington", "US", "U.S.", "USA", "U.S.A.", "United States of America"),
    "United Kingdom": ("London", "UK", "U.K.", "Britain", "Great Britain"),
    "China": ("Beijing", "PRC", "People's Republic of China"),
    "Ukraine": ("Kyiv", "Kiev"),
    "Japan": ("Tokyo",),
    "India": ("New Delhi",),
    "Pakistan": ("Islamabad",),
    "Iran": ("Tehran",),
    "Israel": ("Jerusalem",),
    "Turkey": ("Ankara", "Türkiye"),
    "France": ("Paris",),
    "Germany": ("Berlin",),
    "Belarus": ("Minsk",),
    "Syria": ("Damascus",),
    "Saudi Arabia": ("Riyadh",),
    "Egypt": ("Cairo",),
    "Qatar": ("Doha",),
    "European Union": ("EU", "Brussels"),
    "North Atlantic Treaty Organization": ("NATO",),
    "United Nations": ("UN", "U.N."),
}

_LOOKUP: dict[str, str] = {}
for _name, _aliases in ALIASES.items():
    _LOOKUP[_name.casefold()] = _name
    for _alias in _aliases:
        _LOOKUP[_alias.casefold()] = _name


def canonical(name: str) -> str | None:
    """The canonical party name for a name or alias, or None if unknown."""
    return _LOOKUP.get(name.strip().casefold())
