"""Products of every organisation, with GTINs unique per organisation after normalisation."""

from __future__ import annotations

import random
import sys
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import Conflict, NotFound
from .changes import ChangeLog, Row, Table
from .clock import Clock, iso
from .gtin import normalise

QR_BASE = "https://eulabel.eu/01/"


@dataclass(slots=True)
class Product:
    """A product; never changed after creation, so its wire form is built once."""

    id: str
    org_id: str
    name: str
    category: str
    gtin: str
    created_at: float
    brand: str | None = None
    sku: str | None = None
    _json: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        body: dict[str, Any] = {
            "productId": self.id,
            "name": self.name,
            "category": self.category,
            "gtin": self.gtin,
            "qrCodeUrl": QR_BASE + self.gtin,
            "createdAt": iso(self.created_at),
        }
        if self.brand is not None:
            body["brand"] = self.brand
        if self.sku is not None:
            body["sku"] = self.sku
        self._json = body

    def to_json(self) -> dict[str, Any]:
        # A copy: listing pages is the hot path, and formatting the timestamp each time dominated it.
        return dict(self._json)

    def row(self) -> Row:
        return (self.id, self.org_id, self.name, self.category, self.gtin, self.created_at, self.brand, self.sku)


class ProductStore:
    """Products by id, plus a per-organisation list kept in creation order for stable pages."""

    TABLE = Table("products", ("id", "org_id", "name", "category", "gtin", "created_at", "brand", "sku"))

    def __init__(
        self, rng: random.Random, clock: Clock, lock: threading.RLock, changes: ChangeLog | None = None
    ) -> None:
        self._rng = rng
        self._clock = clock
        self._lock = lock
        self._changes = changes or ChangeLog()
        self._by_id: dict[str, Product] = {}
        self._by_org: dict[str, list[Product]] = {}
        self._by_gtin: dict[tuple[str, str], Product] = {}

    def create(
        self, org_id: str, name: str, category: str, gtin: str, brand: str | None = None, sku: str | None = None
    ) -> Product:
        """Create a product.

        :raise ValidationFailed: the GTIN is malformed.
        :raise Conflict: the organisation already has a product with this GTIN.
        """
        gtin14 = normalise(gtin)
        with self._lock:
            if (org_id, gtin14) in self._by_gtin:
                raise Conflict("A product with this GTIN already exists.", param="gtin")
            product = Product(
                id=str(uuid.UUID(int=self._rng.getrandbits(128), version=4)),
                org_id=org_id,
                name=name,
                category=category,
                gtin=gtin14,
                created_at=self._clock.now(),
                brand=brand,
                sku=sku,
            )
            self._changes.commit(self.TABLE, product.row, lambda: self._add(product))
            return product

    def _add(self, product: Product) -> None:
        self._by_id[product.id] = product
        self._by_org.setdefault(product.org_id, []).append(product)
        self._by_gtin[(product.org_id, product.gtin)] = product

    def get(self, org_id: str, product_id: str) -> Product:
        """The organisation's product with this id.

        :raise NotFound: unknown, or another organisation's product.
        """
        product = self._by_id.get(product_id)
        if product is None or product.org_id != org_id:
            raise NotFound("No product with this id.")
        return product

    def find_by_gtin(self, org_id: str, gtin14: str) -> Product | None:
        return self._by_gtin.get((org_id, gtin14))

    def page(self, org_id: str, limit: int, offset: int) -> tuple[list[Product], int]:
        """One page of the organisation's products, oldest first, and the total count."""
        items = self._by_org.get(org_id, ())
        return list(items[offset : offset + limit]), len(items)

    def rows(self) -> list[Row]:
        """Every product for the state file, in creation order."""
        with self._lock:
            return [p.row() for p in self._by_id.values()]

    def load(self, rows: Iterable[Row]) -> None:
        """Replace every product by the rows of the state file."""
        with self._lock:
            self._by_id.clear()
            self._by_org.clear()
            self._by_gtin.clear()
            for id_, org_id, name, category, gtin, created_at, brand, sku in rows:
                self._add(Product(id_, sys.intern(org_id), name, sys.intern(category), gtin, created_at, brand, sku))
