"""Passports, one per product, created and enriched by GTIN in a single call (Gen-2 model)."""

from __future__ import annotations

import dataclasses
import json
import random
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import NotFound
from .changes import ChangeLog, Row, Table
from .clock import Clock, iso
from .compliance import check_data, merge, missing_fields
from .gtin import normalise
from .product_store import Product, ProductStore

ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
ID_CHARS = 8


@dataclass(frozen=True, slots=True)
class Passport:
    """One version of a passport; a merge stores a new instance, so a handed-out one never changes."""

    id: str
    org_id: str
    product_id: str
    gtin: str
    category: str
    status: str
    version: int
    data: dict[str, Any]
    missing: tuple[dict[str, str], ...]
    created_at: float
    updated_at: float

    def to_json(self) -> dict[str, Any]:
        return {
            "passportId": self.id,
            "productId": self.product_id,
            "gtin": self.gtin,
            "status": self.status,
            "version": self.version,
            "data": self.data,
            "compliance": {"complete": not self.missing, "missing": list(self.missing)},
            "createdAt": iso(self.created_at),
            "updatedAt": iso(self.updated_at),
        }

    def row(self) -> Row:
        return (
            self.id,
            self.org_id,
            self.product_id,
            self.gtin,
            self.category,
            self.status,
            self.version,
            json.dumps(self.data),
            json.dumps(self.missing),
            self.created_at,
            self.updated_at,
        )


class PassportStore:
    """Passports by id and by product; products come from (and may be created in) ``products``."""

    TABLE = Table(
        "passports",
        (
            "id",
            "org_id",
            "product_id",
            "gtin",
            "category",
            "status",
            "version",
            "data",
            "missing",
            "created_at",
            "updated_at",
        ),
    )

    def __init__(
        self,
        rng: random.Random,
        clock: Clock,
        lock: threading.RLock,
        products: ProductStore,
        changes: ChangeLog | None = None,
    ) -> None:
        self._rng = rng
        self._clock = clock
        self._lock = lock
        self._changes = changes or ChangeLog()
        self._products = products
        self._by_id: dict[str, Passport] = {}
        self._by_product: dict[str, str] = {}

    def submit(
        self,
        org_id: str,
        gtin: str,
        data: dict[str, Any] | None = None,
        name: str | None = None,
        category: str | None = None,
        brand: str | None = None,
    ) -> tuple[Passport, bool]:
        """Create the product's passport, or merge ``data`` into the existing one (C50, C51).

        Returns the passport and whether it was created. ``name``, ``category`` and ``brand`` are
        used only to create a product the organisation does not have yet.

        :raise ValidationFailed: a malformed GTIN or unusable data.
        :raise NotFound: no product with this GTIN, and no name and category to create one (C49).
        """
        gtin14 = normalise(gtin)
        data = data or {}
        check_data(data)
        # One transaction: a product created here is kept only with its passport, and both appear
        # in memory only once the file holds both.
        with self._lock, self._changes.transaction():
            product = self._products.find_by_gtin(org_id, gtin14)
            if product is None:
                if not name or not category:
                    raise NotFound(
                        "No product found for this GTIN.",
                        param="gtin",
                        suggestion="Send name and category to create the product with its passport, "
                        "or create it first with POST /v1/products.",
                    )
                product = self._products.create(org_id, name, category, gtin14, brand=brand)
            current_id = self._by_product.get(product.id)
            if current_id is None:
                passport = self._new(product, data)
                created = True
            else:
                passport = self._merged(self._by_id[current_id], data)
                created = False
            self._changes.commit(self.TABLE, passport.row, lambda: self._add(passport))
            return passport, created

    def _add(self, passport: Passport) -> None:
        self._by_id[passport.id] = passport
        self._by_product[passport.product_id] = passport.id

    def get(self, org_id: str, passport_id: str) -> Passport:
        """The organisation's passport with this id.

        :raise NotFound: unknown, or another organisation's passport.
        """
        passport = self._by_id.get(passport_id)
        if passport is None or passport.org_id != org_id:
            raise NotFound("No passport with this id.")
        return passport

    def find_by_product(self, product_id: str) -> Passport | None:
        passport_id = self._by_product.get(product_id)
        return self._by_id[passport_id] if passport_id is not None else None

    def _new(self, product: Product, data: dict[str, Any]) -> Passport:
        now = self._clock.now()
        lacking = tuple(missing_fields(product.category, data))
        return Passport(
            id=self._new_id(),
            org_id=product.org_id,
            product_id=product.id,
            gtin=product.gtin,
            category=product.category,
            status="draft" if lacking else "published",
            version=1,
            data=merge({}, data),
            missing=lacking,
            created_at=now,
            updated_at=now,
        )

    def _merged(self, old: Passport, data: dict[str, Any]) -> Passport:
        merged = merge(old.data, data)
        lacking = tuple(missing_fields(old.category, merged))
        # Once published, a passport stays published (C50 promotes; nothing documents a demotion).
        status = "published" if old.status == "published" or not lacking else "draft"
        return dataclasses.replace(
            old, data=merged, missing=lacking, status=status, version=old.version + 1, updated_at=self._clock.now()
        )

    def _new_id(self) -> str:
        while True:
            candidate = "ps_" + "".join(self._rng.choice(ID_ALPHABET) for _ in range(ID_CHARS))
            if candidate not in self._by_id:
                return candidate

    def __len__(self) -> int:
        return len(self._by_id)

    def rows(self) -> list[Row]:
        """Every passport (its current version) for the state file."""
        with self._lock:
            return [p.row() for p in self._by_id.values()]

    def load(self, rows: Iterable[Row]) -> None:
        """Replace every passport by the rows of the state file."""
        with self._lock:
            self._by_id.clear()
            self._by_product.clear()
            for id_, org_id, product_id, gtin, category, status, version, data, missing, created, updated in rows:
                passport = Passport(
                    id_,
                    sys.intern(org_id),
                    product_id,
                    gtin,
                    sys.intern(category),
                    sys.intern(status),
                    version,
                    json.loads(data),
                    tuple(json.loads(missing)),
                    created,
                    updated,
                )
                self._add(passport)
