"""What a passport needs before it can be published, per product category (C50).

The docs name no required fields. For wine the list below is this project's reading of the
wine e-label data the docs document (ingredients, the nutrition declaration, allergens and origin,
as EU Reg. 2021/2117 asks for); other categories show no passport data in the docs, so they need none.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import ValidationFailed

MAX_DEPTH = 16

# (dotted field, hint) in the order a label lists them.
REQUIRED: dict[str, tuple[tuple[str, str], ...]] = {
    "wine": (
        ("ingredients", 'List the ingredients in descending order of weight, e.g. ["Grapes", "Sulphites"].'),
        ("nutrition.energyKj", "Energy per 100 ml in kilojoules."),
        ("nutrition.energyKcal", "Energy per 100 ml in kilocalories."),
        ("nutrition.fatG", "Fat per 100 ml in grams."),
        ("nutrition.saturatedFatG", "Saturated fat per 100 ml in grams."),
        ("nutrition.carbohydratesG", "Carbohydrates per 100 ml in grams."),
        ("nutrition.sugarsG", "Sugars per 100 ml in grams."),
        ("nutrition.proteinG", "Protein per 100 ml in grams."),
        ("nutrition.saltG", "Salt per 100 ml in grams."),
        ("allergens.containsSulphites", "State whether the wine contains sulphites (true or false)."),
        ("allergens.containsEgg", "State whether egg products were used, e.g. for fining (true or false)."),
        ("allergens.containsFish", "State whether fish products were used, e.g. for fining (true or false)."),
        ("allergens.containsMilk", "State whether milk products were used, e.g. for fining (true or false)."),
        ("origin.country", 'The country of origin, e.g. "PT".'),
    ),
}


def missing_fields(category: str, data: dict[str, Any]) -> list[dict[str, str]]:
    """The required fields ``data`` lacks for this category, each with a hint."""
    return [{"field": name, "hint": hint} for name, hint in REQUIRED.get(category, ()) if not _present(data, name)]


def _present(data: dict[str, Any], dotted: str) -> bool:
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, dict) or value.get(part) is None:
            return False
        value = value[part]
    return value != [] and value != ""


def merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """A new object: ``update`` merged into ``base``; objects merge key by key, other values replace.

    Neither argument is changed, so a passport already handed out keeps its data (C51).
    """
    out = dict(base)
    for name, value in update.items():
        old = out.get(name)
        out[name] = merge(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
    return out


def check_data(data: dict[str, Any]) -> None:
    """Refuse data the schema cannot: too deep, or numbers JSON cannot carry back.

    :raise ValidationFailed: naming the offending field.
    """
    stack: list[tuple[Any, str, int]] = [(data, "data", 0)]
    while stack:
        value, name, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValidationFailed(f"{name} is nested too deeply (at most {MAX_DEPTH} levels).", param=name)
        if isinstance(value, dict):
            stack.extend((v, f"{name}.{k}", depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, f"{name}[{i}]", depth + 1) for i, v in enumerate(value))
        elif isinstance(value, float) and not math.isfinite(value):
            raise ValidationFailed(f"{name} must be a finite number.", param=name)
