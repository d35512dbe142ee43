"""Provider names: one spelling per provider, the one the ledger's ServiceProviderName uses.

Price options name providers as FOCUS bills do (``AWS``, ``Google Cloud``,
``Microsoft``), so a price from the book and a price observed in the ledger
line up. Filters accept the common short names too (``gcp``, ``azure``) in
any case; a name the table does not know is kept as written.
"""

from __future__ import annotations

# lower-case alias -> canonical provider name
_ALIASES: dict[str, str] = {
    "aws": "AWS",
    "amazon": "AWS",
    "amazon web services": "AWS",
    "gcp": "Google Cloud",
    "google": "Google Cloud",
    "google cloud": "Google Cloud",
    "google cloud platform": "Google Cloud",
    "azure": "Microsoft",
    "microsoft": "Microsoft",
    "microsoft azure": "Microsoft",
    "lambda": "Lambda",
    "lambda labs": "Lambda",
    "vast": "Vast.ai",
    "vast.ai": "Vast.ai",
    "runpod": "RunPod",
    "oci": "Oracle",
    "oracle": "Oracle",
    "paperspace": "Paperspace",
    "fluidstack": "FluidStack",
    "cudo": "Cudo Compute",
    "nebius": "Nebius",
    "ibm": "IBM",
    "do": "DigitalOcean",
    "digitalocean": "DigitalOcean",
}


def canonical_provider(name: str) -> str:
    """The canonical spelling of provider ``name`` (unknown names are kept, trimmed)."""
    text = " ".join(name.split())
    return _ALIASES.get(text.lower(), text)


def known_provider(name: str) -> str | None:
    """The canonical name of ``name`` if the table knows it, else None."""
    return _ALIASES.get(" ".join(name.split()).lower())


def provider_spellings(canonical: str) -> list[str]:
    """The short names and spellings the table accepts for ``canonical`` (itself included)."""
    return [canonical, *(alias for alias, name in _ALIASES.items() if name == canonical)]


def same_provider(name: str, other: str) -> bool:
    """Whether ``name`` and ``other`` name one provider (``gcp`` and ``Google Cloud`` do):
    the one provider match of every price filter."""
    return canonical_provider(name).lower() == canonical_provider(other).lower()
