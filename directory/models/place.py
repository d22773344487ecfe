"""The offline gazetteer and the cache of online geocoder answers."""

from datetime import datetime

from sqlalchemy import Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from directory.extensions import Model
from directory.models.types import UTCDateTime, utcnow


class Place(Model):
    """A postal code or a city with its coordinates."""

    __table_args__ = (
        Index("ix_place_search_key_country", "search_key", "country"),
        Index("ix_place_postal_code_country", "postal_code", "country"),
        # Finding the country at a point: cities in a latitude band (geocoding.country_at).
        Index("ix_place_kind_latitude", "kind", "latitude"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "postal_code", "city", or "other_name": a large city found by another of its names ("Cologne").
    kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(200))
    # Lower-case, accents folded: what a typed city name is compared with.
    search_key: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(20))
    region_name: Mapped[str | None] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    population: Mapped[int] = mapped_column(Integer, default=0)


class GeocodeCache(Model):
    """An answer from the online geocoder, kept so that each query is asked only once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(300), unique=True)
    found: Mapped[bool] = mapped_column(default=True)
    label: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
