"""The search listing: one narrow row per publicly listed practitioner, read by nearby search."""

from datetime import date

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from directory.extensions import Model


class SearchListing(Model):
    """What search filters and sorts on, denormalised from the profile, its certifications and its owner.

    Derived data only: directory.services.search.listing keeps it in step with every change (an ORM
    flush hook), and can rebuild it whole. Sets of codes are bit masks, so that one covering
    index answers a search without visiting other tables.

    The index leads with the latitude band, then longitude: a search reads a short run of the
    index in each band its box spans, where an index led by latitude would read every entry of
    the box's latitudes across the whole width of the map (README, "How search stays fast").
    """

    __table_args__ = (
        Index(
            "ix_search_listing_geo",
            "lat_band",
            "longitude",
            "latitude",
            "verified_until",
            "headache_mask",
            "mode_mask",
            "language_mask",
            "availability_mask",
            "access_mask",
            "accepting_new_patients",
            "fee_min",
            "fee_max",
            "accepts_self_pay",
            "gender",
            "practising_since",
            "review_count",
            "rating_total",
            "profile_id",
        ),
    )

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("therapist_profile.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    # The strip of the map the latitude lies in (services.geo.points.latitude_band).
    lat_band: Mapped[int] = mapped_column(SmallInteger)
    # The last day a verified certification counts (date.max when one never expires); None: not verified.
    verified_until: Mapped[date | None] = mapped_column(Date)
    headache_mask: Mapped[int] = mapped_column(SmallInteger, default=0)
    mode_mask: Mapped[int] = mapped_column(SmallInteger, default=0)
    language_mask: Mapped[int] = mapped_column(BigInteger, default=0)
    availability_mask: Mapped[int] = mapped_column(SmallInteger, default=0)
    access_mask: Mapped[int] = mapped_column(SmallInteger, default=0)
    accepting_new_patients: Mapped[bool] = mapped_column(default=True)
    fee_min: Mapped[int | None] = mapped_column(Integer)
    # The most a session costs, which the fee filter compares: the profile's fee_max, or its
    # fee_min when it gives one fee only; None when it gives no fee.
    fee_max: Mapped[int | None] = mapped_column(Integer)
    accepts_self_pay: Mapped[bool] = mapped_column(default=True)
    # The profile's insurers, lower-cased, for a LIKE that needs no join.
    insurers: Mapped[str | None] = mapped_column(String(500))
    gender: Mapped[str | None] = mapped_column(String(20))
    practising_since: Mapped[int | None] = mapped_column(Integer)
    review_count: Mapped[int] = mapped_column(default=0)
    rating_total: Mapped[int] = mapped_column(default=0)
