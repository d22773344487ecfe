"""The therapist's profile: the editor, geocoding, the photo, completeness, preview and publishing."""

import html
import io
import re

import pytest
from PIL import Image, PngImagePlugin
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from directory.extensions import db
from directory.models import AvailabilitySlot, Notice, Place, StoredFile, TherapistProfile, User
from directory.services.geo import geocoding
from directory.services.geo.points import Point
from directory.services.practice import location, profiles, publishing
from directory.services.practice.errors import ProfileError
from tests import factories

GPS_IFD = 0x8825


@pytest.fixture
def places(app):
    """A few gazetteer rows: a New York ZIP code, two cities and an ambiguous name."""
    with app.app_context():
        rows = [
            ("postal_code", "New York", "new york", "10001", "NY", "US", 40.7506, -73.9972, 0),
            ("city", "New York", "new york", None, "NY", "US", 40.7128, -74.0060, 8_000_000),
            ("city", "Boulder", "boulder", None, "CO", "US", 40.01499, -105.27055, 105_000),
            ("city", "Springfield", "springfield", None, "IL", "US", 39.8017, -89.6437, 114_000),
            ("city", "Springfield", "springfield", None, "MO", "US", 37.2153, -93.2982, 170_000),
        ]
        for kind, name, key, postal, region, country, lat, lon, population in rows:
            db.session.add(
                Place(
                    kind=kind,
                    name=name,
                    search_key=key,
                    postal_code=postal,
                    region=region,
                    country=country,
                    latitude=lat,
                    longitude=lon,
                    population=population,
                )
            )
        db.session.commit()


@pytest.fixture
def therapist(auth, places) -> int:
    """A logged-in therapist with a confirmed address and no profile yet; returns the user id."""
    return auth.login(role="therapist", name="Ana Ruiz")


def form_data(**changes) -> dict:
    """A complete, valid profile form; a change to None leaves that field out."""
    data = {
        "display_name": "Dr Ana Ruiz",
        "profession": "dpt",
        "practising_since": "2012",
        "gender": "woman",
        "bio": "I assess the neck first.\nThen we decide together.",
        "licence_number": "PT-004512",
        "licence_jurisdiction": "New York State",
        "npi": "1234567893",
        "clinic_name": "Calm Clinic",
        "street": "350 5th Ave",
        "city": "New York",
        "region": "NY",
        "postal_code": "10001",
        "country": "US",
        "latitude": "",
        "longitude": "",
        "phone": "+1 212 555 0123",
        "website": "https://calm.example/dry-needling",
        "headache_types": ["migraine", "tension_type"],
        "consultation_modes": ["in_person", "video"],
        "accepting_new_patients": "y",
        "languages": ["en", "es"],
        "accessibility": ["step_free"],
        "session_minutes": "45",
        "fee_min": "90",
        "fee_max": "130",
        "currency": "USD",
        "insurance_accepted": "Aetna, Cigna",
        "accepts_self_pay": "y",
        "availability-monday-start": "09:00",
        "availability-monday-end": "13:00",
        "availability-monday-start2": "14:00",
        "availability-monday-end2": "18:00",
        "availability-wednesday-start": "10:00",
        "availability-wednesday-end": "16:30",
    }
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def page_of(response) -> str:
    return response.get_data(as_text=True)


def stored_profile(app, user_id: int) -> TherapistProfile | None:
    """The therapist's profile, loaded with everything the tests read, detached from the session."""
    with app.app_context():
        profile = db.session.scalar(select(TherapistProfile).where(TherapistProfile.user_id == user_id))
        if profile is not None:
            for name in (
                "headache_types",
                "consultation_modes",
                "languages",
                "accessibility",
                "availability",
                "certifications",
                "photo",
            ):
                getattr(profile, name)
        db.session.expunge_all()
        return profile


def flashes(response) -> str:
    return " ".join(
        html.unescape(text) for text in re.findall(r'<p class="flash[^"]*">(.*?)</p>', page_of(response), re.S)
    )


def save(client, **changes):
    return client.post("/therapist/profile", data=form_data(**changes), follow_redirects=True)


# The editor --------------------------------------------------------------------------------


def test_new_therapist_gets_an_empty_editor_with_their_name(client, therapist):
    response = client.get("/therapist/profile")
    page = page_of(response)
    assert response.status_code == 200
    assert "Create your profile" in page
    assert 'value="Ana Ruiz"' in page
    assert '<option selected value="US">United States</option>' in page
    assert (
        "Needed before publishing:</strong> your name; your profession; the practice&#39;s position on the map" in page
    )


def test_saving_creates_the_profile_with_every_field(app, client, therapist):
    response = save(client)
    assert response.status_code == 200
    assert "Your profile is created." in flashes(response)
    profile = stored_profile(app, therapist)
    assert profile.slug == "dr-ana-ruiz"
    assert (profile.display_name, profile.profession, profile.practising_since, profile.gender) == (
        "Dr Ana Ruiz",
        "dpt",
        2012,
        "woman",
    )
    assert (
        profile.bio == "I assess the neck first.\r\nThen we decide together."
        or profile.bio == "I assess the neck first.\nThen we decide together."
    )
    assert (profile.licence_number, profile.licence_jurisdiction, profile.npi) == (
        "PT-004512",
        "New York State",
        "1234567893",
    )
    assert (
        profile.clinic_name,
        profile.street,
        profile.city,
        profile.region,
        profile.postal_code,
        profile.country,
    ) == ("Calm Clinic", "350 5th Ave", "New York", "NY", "10001", "US")
    assert (profile.latitude, profile.longitude) == (40.7506, -73.9972)  # the ZIP code's position
    assert (profile.phone, profile.website) == ("+1 212 555 0123", "https://calm.example/dry-needling")
    assert [h.code for h in profile.headache_types] == ["migraine", "tension_type"]
    assert [m.code for m in profile.consultation_modes] == ["in_person", "video"]
    assert sorted(lang.code for lang in profile.languages) == ["en", "es"]
    assert [a.code for a in profile.accessibility] == ["step_free"]
    assert (profile.session_minutes, profile.fee_min, profile.fee_max, profile.currency) == (45, 90, 130, "USD")
    assert (profile.insurance_accepted, profile.accepts_self_pay, profile.accepting_new_patients) == (
        "Aetna, Cigna",
        True,
        True,
    )
    assert [(s.weekday, s.start_minute, s.end_minute) for s in profile.availability] == [
        (0, 540, 780),
        (0, 840, 1080),
        (2, 600, 990),
    ]
    assert profile.published is False


def test_editor_shows_the_saved_values_again(client, therapist):
    save(client)
    page = page_of(client.get("/therapist/profile"))
    assert 'value="Dr Ana Ruiz"' in page
    assert 'id="availability-monday-start2" name="availability-monday-start2" type="time" value="14:00"' in page
    assert 'id="availability-wednesday-end" name="availability-wednesday-end" type="time" value="16:30"' in page
    assert 'checked id="languages-' in page and 'value="es"' in page
    assert 'value="40.7506"' in page


def test_unchecked_boxes_and_emptied_fields_are_cleared(app, client, therapist):
    save(client)
    save(
        client,
        accepting_new_patients=None,
        accepts_self_pay=None,
        languages=None,
        accessibility=None,
        bio="",
        fee_max="",
        **{"availability-monday-start2": "", "availability-monday-end2": ""},
    )
    profile = stored_profile(app, therapist)
    assert (profile.accepting_new_patients, profile.accepts_self_pay, profile.bio, profile.fee_max) == (
        False,
        False,
        None,
        None,
    )
    assert profile.languages == [] and profile.accessibility == []
    assert [(s.weekday, s.start_minute) for s in profile.availability] == [(0, 540), (2, 600)]


def test_slug_is_made_once_unique_and_stays_when_the_name_changes(app, client, therapist):
    with app.app_context():
        factories.make_profile(display_name="Someone", slug="dr-ana-ruiz")
        factories.make_profile(display_name="Someone else", slug="dr-ana-ruiz-2")
    save(client)
    assert stored_profile(app, therapist).slug == "dr-ana-ruiz-3"
    save(client, display_name="Dr Ana Ruiz-Gómez")
    profile = stored_profile(app, therapist)
    assert (profile.display_name, profile.slug) == ("Dr Ana Ruiz-Gómez", "dr-ana-ruiz-3")


def test_unicode_is_kept_and_slugged(app, client, therapist):
    response = save(
        client,
        display_name="Zoë Ñúñez 李小龍",
        city="São Paulo",
        country="BR",
        postal_code="",
        region="",
        bio="Bienvenue 🙂 — 歓迎",
        latitude="-23.5505",
        longitude="-46.6333",
    )
    assert response.status_code == 200
    profile = stored_profile(app, therapist)
    assert (profile.display_name, profile.city, profile.bio) == ("Zoë Ñúñez 李小龍", "São Paulo", "Bienvenue 🙂 — 歓迎")
    assert profile.slug == "zoe-nunez-李小龍"
    assert "Zoë Ñúñez 李小龍" in page_of(client.get("/therapist/profile"))


def test_script_tags_are_stored_as_text_and_shown_escaped(app, client, therapist):
    script = "<script>alert(1)</script>"
    save(client, display_name=f"Ana {script}", bio=script, clinic_name=script)
    for path in ("/therapist/profile", "/therapist/profile/preview", "/therapist/"):
        page = page_of(client.get(path))
        assert script not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
    assert stored_profile(app, therapist).bio == script


HOSTILE = [
    ("display_name", "", "Enter the name patients will see."),
    ("display_name", "   ", "Enter the name patients will see."),  # strips to blank past InputRequired
    ("display_name", "x" * 10_000, "Use at most 120 characters."),
    ("display_name", "Ana\x00Ruiz", "Remove the invisible control characters from this text."),
    ("bio", "b" * 10_000, "Keep it under 3000 characters."),
    ("bio", "line\x07bell", "Remove the invisible control characters from this text."),
    ("clinic_name", "c" * 10_000, "Use at most 160 characters."),
    ("licence_number", "L" * 61, "Use at most 60 characters."),
    ("profession", "astronaut", "Not a valid choice."),
    ("gender", "<script>", "Not a valid choice."),
    ("practising_since", "since forever", "Enter a year, such as 2012."),
    ("practising_since", "2999", "Enter a year from 1940 to"),
    ("practising_since", "1800", "Enter a year from 1940."),
    ("npi", "12345", "An NPI has 10 digits and starts with 1 or 2."),
    ("npi", "3234567893", "An NPI has 10 digits and starts with 1 or 2."),
    ("npi", "１２３４５６７８９３", "An NPI has 10 digits and starts with 1 or 2."),
    ("npi", "1234567890", "the check digit is wrong"),
    ("phone", "call me maybe", "Enter a phone number with digits"),
    ("phone", "12", "Enter a phone number with digits"),
    ("website", "javascript:alert(1)", "Enter a web address starting with https://"),
    ("website", "ftp://files.example.org", "Enter a web address starting with https://"),
    ("website", "https://", "Enter a web address starting with https://"),
    ("website", "https://[::1", "This web address cannot be read."),
    ("country", "ZZ", "Not a valid choice."),
    ("latitude", "nan", "Enter a finite number in decimal degrees."),
    ("latitude", "north", "Enter a number in decimal degrees, such as 40.7128."),
    ("latitude", "91", "Latitude is between -90 and 90."),
    ("longitude", "inf", "Enter a finite number in decimal degrees."),
    ("longitude", "west", "Enter a number in decimal degrees, such as -74.006."),
    ("session_minutes", "9999", "Enter from 10 to 240 minutes."),
    ("session_minutes", "an hour", "Enter a whole number, such as 60."),
    ("fee_min", "ninety", "Enter a whole amount, such as 90."),
    ("fee_min", "-5", "Enter an amount from 0 to 100,000."),
    ("fee_max", "1e9", "Enter a whole amount, such as 140."),
    ("fee_max", "50", "The highest fee must be at least the lowest fee."),
    ("currency", "XBT", "Not a valid choice."),
    ("headache_types", ["migraine", "hangover"], "&#39;hangover&#39; is not a valid choice for this field."),
    ("languages", ["en", "xx"], "&#39;xx&#39; is not a valid choice for this field."),
    ("availability-monday-start", "25:00", "Enter a time such as 09:00."),
    ("availability-monday-end", "<script>", "Enter a time such as 17:30."),
    ("availability-monday-end", "08:00", "The closing time must be after the opening time."),
    ("availability-wednesday-end", "", "Give both the opening and the closing time."),
    ("availability-monday-start2", "12:00", "The second opening must start after the first one closes."),
]


SELECTS = ("profession", "gender", "country", "currency")  # a list cannot show a value it does not offer


@pytest.mark.parametrize(
    ("field", "value", "message"), HOSTILE, ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(HOSTILE)]
)
def test_hostile_input_comes_back_with_a_message_keeping_what_was_typed(app, client, therapist, field, value, message):
    response = client.post("/therapist/profile", data=form_data(**{field: value}))
    page = page_of(response)
    assert response.status_code == 400
    assert message in page
    assert "Please correct this" in page and "Everything you typed is kept." in page
    # Everything else typed comes back.
    for kept in (
        'value="Calm Clinic"' if field != "clinic_name" else 'value="350 5th Ave"',
        'value="+1 212 555 0123"' if field != "phone" else 'value="PT-004512"',
        "I assess the neck first." if field != "bio" else 'value="Dr Ana Ruiz"',
        'value="13:00"' if field != "availability-monday-end" else 'value="16:30"',
    ):
        assert kept in page, kept
    if (
        field not in SELECTS
        and isinstance(value, str)
        and 0 < len(value) <= 200
        and "\x00" not in value
        and "\x07" not in value
    ):
        assert html.escape(value, quote=True) in page  # the wrong value itself is shown back, escaped
    assert stored_profile(app, therapist) is None


def test_lowest_fee_is_needed_with_a_highest_fee(client, therapist):
    response = client.post("/therapist/profile", data=form_data(fee_min="", fee_max="120"))
    assert response.status_code == 400
    assert "Give the lowest fee too (the same amount when there is a single fee)." in page_of(response)


def test_one_coordinate_alone_is_refused(client, therapist):
    response = client.post("/therapist/profile", data=form_data(latitude="40.7", longitude=""))
    assert response.status_code == 400
    assert "Give both the latitude and the longitude, or leave both empty." in page_of(response)


def test_npi_is_optional_and_spaces_are_allowed(app, client, therapist):
    save(client, npi="")
    assert stored_profile(app, therapist).npi is None
    save(client, npi="1234 567 893")
    assert stored_profile(app, therapist).npi == "1234567893"


def test_bare_website_domain_gets_https(app, client, therapist):
    save(client, website="calm.example")
    assert stored_profile(app, therapist).website == "https://calm.example"


def test_a_list_for_a_single_value_field_uses_the_first_value(app, client, therapist):
    save(client, fee_min=["80", "9999999"], fee_max="100")
    assert stored_profile(app, therapist).fee_min == 80


def test_service_refuses_overlapping_slots_and_unknown_codes(app, therapist):
    with app.app_context():
        user = db.session.get(User, therapist)
        overlapping = profiles.ProfileData("Ana", availability=(profiles.Slot(0, 540, 780), profiles.Slot(0, 700, 900)))
        with pytest.raises(ProfileError, match="must not overlap") as caught:
            profiles.save_profile(user, overlapping)
        assert caught.value.field == "availability"
        with pytest.raises(ProfileError, match="Choose only from the list"):
            profiles.save_profile(user, profiles.ProfileData("Ana", languages=("en", "qq")))
        with pytest.raises(ProfileError, match="not a valid NPI"):
            profiles.save_profile(user, profiles.ProfileData("Ana", npi="1234567890"))
        assert user.profile is None


# Placing the practice on the map -----------------------------------------------------------


def test_address_queries_go_from_precise_to_coarse():
    assert location.address_queries("350 5th Ave", "New York", "NY", "10001", "US") == [
        "350 5th Ave, New York, NY 10001, US",
        "10001",
        "New York, NY",
        "New York, US",
    ]
    assert location.address_queries("", "Madrid", "", "28013", "ES") == ["Madrid, 28013, ES", "28013, ES", "Madrid, ES"]
    assert location.address_queries(None, None, None, None, None) == []


def test_unknown_zip_falls_back_to_the_city_and_region(app, client, therapist):
    response = save(client, postal_code="99999", city="Boulder", region="CO", street="1 Pearl St")
    profile = stored_profile(app, therapist)
    assert (profile.latitude, profile.longitude) == (40.01499, -105.27055)
    assert "We could only place the pin at the center of Boulder, CO, US." in flashes(response)


def test_ambiguous_town_uses_the_largest_and_says_so(app, client, therapist):
    response = save(client, street="", postal_code="", city="Springfield", region="")
    profile = stored_profile(app, therapist)
    assert (profile.latitude, profile.longitude) == (37.2153, -93.2982)
    assert "Several places match your address; we used Springfield, MO, US" in flashes(response)


def test_address_not_found_is_saved_and_coordinates_can_be_typed(app, client, therapist):
    response = client.post(
        "/therapist/profile", data=form_data(street="1 Nowhere Lane", city="Nowhereville", region="", postal_code="")
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/therapist/profile#location")
    page = client.get("/therapist/profile")
    assert "We could not find “1 Nowhere Lane, Nowhereville” on the map. Your address is saved" in flashes(page)
    profile = stored_profile(app, therapist)
    assert (profile.street, profile.city, profile.latitude, profile.longitude) == (
        "1 Nowhere Lane",
        "Nowhereville",
        None,
        None,
    )
    assert 'value="1 Nowhere Lane"' in page_of(page)

    response = save(
        client,
        street="1 Nowhere Lane",
        city="Nowhereville",
        region="",
        postal_code="",
        latitude="44.5",
        longitude="-72.25",
    )
    assert "Your practice is placed at the coordinates you gave." in flashes(response)
    profile = stored_profile(app, therapist)
    assert (profile.latitude, profile.longitude) == (44.5, -72.25)


def test_moved_pin_wins_and_is_kept_on_later_saves(app, client, therapist):
    save(client)
    save(client, latitude="40.7484", longitude="-73.9857")  # dragged from the ZIP centre to the door
    save(client, latitude="40.7484", longitude="-73.9857", bio="New words.")
    profile = stored_profile(app, therapist)
    assert (profile.latitude, profile.longitude, profile.bio) == (40.7484, -73.9857, "New words.")


def test_new_address_is_geocoded_again_but_emptied_coordinates_too(app, client, therapist):
    save(client)
    save(client, latitude="40.7506", longitude="-73.9972", street="", postal_code="", city="Boulder", region="CO")
    assert (stored_profile(app, therapist).latitude, stored_profile(app, therapist).longitude) == (40.01499, -105.27055)
    save(client, latitude="1.5", longitude="2.5", street="", postal_code="", city="Boulder", region="CO")
    save(client, latitude="", longitude="", street="", postal_code="", city="Boulder", region="CO")
    assert stored_profile(app, therapist).latitude == 40.01499


def test_exact_address_from_the_online_geocoder_is_used_first(app, client, therapist, monkeypatch):
    asked = []

    def fake_geocode(query):
        asked.append(query)
        point = Point(40.748441, -73.985664)
        return geocoding.GeocodeResult(
            geocoding.GeocodeStatus.FOUND, geocoding.Location("350 5th Ave, New York", point, "address")
        )

    monkeypatch.setattr(geocoding, "geocode", fake_geocode)
    response = save(client)
    assert asked == ["350 5th Ave, New York, NY 10001, US"]
    assert "We placed the pin at 350 5th Ave, New York. Check it on the map" in flashes(response)
    assert (stored_profile(app, therapist).latitude, stored_profile(app, therapist).longitude) == (
        40.748441,
        -73.985664,
    )


def test_geocoder_unavailable_still_saves_the_address(app, client, therapist, monkeypatch):
    def unavailable(query):
        return geocoding.GeocodeResult(geocoding.GeocodeStatus.UNAVAILABLE, message="down")

    monkeypatch.setattr(geocoding, "geocode", unavailable)
    response = save(client)
    assert "We could not find" in flashes(response)
    profile = stored_profile(app, therapist)
    assert (profile.street, profile.postal_code, profile.latitude) == ("350 5th Ave", "10001", None)


def test_editor_map_carries_the_typed_coordinates_for_the_script(client, therapist):
    save(client)
    page = page_of(client.get("/therapist/profile"))
    assert 'id="pin-map" hidden' in page
    assert "/static/js/pin.js" in page and "<script>" not in page


# Photo -------------------------------------------------------------------------------------


def png_with_gps(size=(900, 600)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Camera Maker"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2], gps[3], gps[4] = "N", (40.0, 44.0, 55.0), "W", (73.0, 59.0, 11.0)
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "taken at home")
    buffer = io.BytesIO()
    Image.new("RGB", size, "orange").save(buffer, "PNG", exif=exif.tobytes(), pnginfo=info)
    return buffer.getvalue()


def post_file(client, path: str, field: str, content: bytes, filename: str, **fields):
    """POST a multipart form, encoded in memory (the test client would spool a large body to an unclosed temporary file)."""
    boundary, body = encode_multipart({**fields, field: FileStorage(io.BytesIO(content), filename)})
    return client.post(path, data=body, content_type=f'multipart/form-data; boundary="{boundary}"')


def upload_photo(client, content: bytes, filename: str = "me.png"):
    return post_file(client, "/therapist/profile/photo", "photo", content, filename)


def test_photo_loses_gps_and_is_resized(app, client, therapist):
    original = png_with_gps()
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get_ifd(GPS_IFD), "the fixture must carry GPS for this test to mean anything"
    save(client)
    response = upload_photo(client, original)
    assert response.status_code == 302 and response.headers["Location"].endswith("/therapist/profile#photo")
    profile = stored_profile(app, therapist)
    photo = client.get(f"/therapist/profiles/{profile.id}/photo")
    assert photo.status_code == 200
    assert photo.headers["Content-Type"] == "image/jpeg"
    assert photo.headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(photo.data)) as image:
        assert image.format == "JPEG"
        assert image.size == (480, 320)
        assert not image.getexif()
        assert "exif" not in image.info and "Comment" not in image.info


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"%PDF-1.4\n%%EOF\n", "me.png", "A profile photo must be a JPEG or PNG image."),
        (b"GIF89a" + b"\x00" * 40, "me.jpg", "A profile photo must be a JPEG or PNG image."),
        (b"<script>alert(1)</script>", "me.png", "A profile photo must be a JPEG or PNG image."),
        (b"", "me.png", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (2 * 1024 * 1024), "big.png", "The file is too large: the limit is 2 MB."),
        (b"\x89PNG\r\n\x1a\n" + b"broken", "me.png", "This image is damaged or incomplete."),
    ],
    ids=["pdf-named-png", "gif-named-jpg", "html-named-png", "empty", "oversize", "truncated"],
)
def test_bad_photos_are_refused(app, client, therapist, content, filename, message):
    save(client)
    response = upload_photo(client, content, filename)
    assert response.status_code == 400
    assert message in page_of(response)
    assert 'value="Dr Ana Ruiz"' in page_of(response)  # the editor comes back filled in
    assert stored_profile(app, therapist).photo_id is None


def test_photo_of_too_many_pixels_is_refused_beside_the_field(app, client, therapist):
    buffer = io.BytesIO()
    Image.new("RGBA", (6300, 6300), "white").save(buffer, "PNG")
    assert len(buffer.getvalue()) < 200 * 1024  # small on disk, 160 MB once decoded
    save(client)
    response = upload_photo(client, buffer.getvalue(), "flat.png")
    assert response.status_code == 400
    assert "This image is too large: at most 16 megapixels are accepted (this one is 6300 x 6300)." in page_of(response)
    assert stored_profile(app, therapist).photo_id is None


def test_photo_form_without_a_file_asks_for_one(client, therapist):
    save(client)
    response = client.post("/therapist/profile/photo", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a JPEG or PNG photo first." in page_of(response)


def test_photo_needs_a_profile_first(client, therapist):
    response = upload_photo(client, png_with_gps((20, 20)))
    assert response.status_code == 400
    assert "Save your profile first." in page_of(response)


def test_replacing_and_removing_the_photo_deletes_the_old_file(app, client, therapist):
    save(client)
    upload_photo(client, png_with_gps((40, 40)))
    first = stored_profile(app, therapist).photo_id
    upload_photo(client, png_with_gps((50, 50)))
    second = stored_profile(app, therapist).photo_id
    assert second != first
    with app.app_context():
        assert db.session.get(StoredFile, first) is None
    response = client.post("/therapist/profile/photo/remove", follow_redirects=True)
    assert "Your photo is removed." in flashes(response)
    assert stored_profile(app, therapist).photo_id is None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0


def test_unpublished_photo_is_only_for_its_owner(app, client, auth, therapist):
    save(client)
    upload_photo(client, png_with_gps((40, 40)))
    profile_id = stored_profile(app, therapist).id
    own = client.get(f"/therapist/profiles/{profile_id}/photo")
    assert own.status_code == 200
    assert own.headers["Cache-Control"] == "private, no-cache"
    assert (
        client.get(
            f"/therapist/profiles/{profile_id}/photo", headers={"If-None-Match": own.headers["ETag"]}
        ).status_code
        == 304
    )
    auth.logout()
    assert client.get(f"/therapist/profiles/{profile_id}/photo").status_code == 404
    auth.login(role="therapist")
    assert client.get(f"/therapist/profiles/{profile_id}/photo").status_code == 404


def test_listed_photo_is_public_and_cacheable(app, client, auth, therapist):
    save(client)
    upload_photo(client, png_with_gps((40, 40)))
    client.post("/therapist/profile/publish")
    profile = stored_profile(app, therapist)
    auth.logout()
    response = client.get(f"/therapist/profiles/{profile.id}/photo")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert response.headers["Content-Type"] == "image/jpeg"
    assert client.get("/therapist/profiles/999999/photo").status_code == 404


# Completeness, preview, publishing -------------------------------------------------------------


def test_completeness_names_what_is_missing(app, therapist):
    with app.app_context():
        assert publishing.completeness(None).percent == 0
        profile = factories.make_profile(
            user=db.session.get(User, therapist), published=False, languages=(), profession=None
        )
        result = publishing.completeness(profile)
        assert result.missing_required == ("your profession",)
        assert result.missing_recommended == (
            "your licence number and where it was issued",
            "the practice address",
            "a phone number or website",
            "a few words about your work",
            "the year you started practising",
            "the length of a session",
            "your fees",
            "the languages you speak",
            "your weekly availability",
            "a photo",
            "a dry-needling certification",
        )
        assert (result.done, result.total, result.percent) == (4, 16, 25)


def test_full_profile_is_complete_but_for_photo_and_certification(client, therapist):
    save(client)
    page = page_of(client.get("/therapist/"))
    assert "Profile 88% complete" in page
    assert "Patients also look for: a photo; a dry-needling certification." in page
    assert "Needed before publishing" not in page


def test_publish_lists_exactly_what_is_missing(client, auth, places):
    auth.login(role="therapist", confirmed=False)
    client.post(
        "/therapist/profile",
        data=form_data(
            profession="", headache_types=None, consultation_modes=None, street="", city="", region="", postal_code=""
        ),
    )
    client.get("/therapist/")  # shows (and so clears) the messages of logging in and saving
    response = client.post("/therapist/profile/publish", follow_redirects=True)
    assert flashes(response) == (
        "Before publishing, add a confirmed email address (open the link we mailed you), your profession, "
        "the practice's position on the map, at least one headache type you treat and at least one way to hold a "
        "first consultation."
    )
    assert "Not published" in page_of(response)


def test_publish_without_a_profile_says_what_is_needed(client, therapist):
    response = client.post("/therapist/profile/publish", follow_redirects=True)
    assert "Before publishing, add your name, your profession" in flashes(response)


def test_published_unverified_profile_is_found_without_a_verified_badge(app, client, auth, therapist):
    save(client)
    response = client.post("/therapist/profile/publish", follow_redirects=True)
    assert "Your profile is published: patients can now find it in the directory." in flashes(response)
    auth.logout()
    everyone = page_of(client.get("/search?q=10001&show=all"))
    assert (
        "Dr Ana Ruiz" in everyone
        and "Certification not verified" in everyone
        and "✓ Verified certification" not in everyone
    )
    assert "Dr Ana Ruiz" not in page_of(client.get("/search?q=10001"))
    assert client.get("/practitioners/dr-ana-ruiz").status_code == 200


def test_pending_certification_does_not_make_a_profile_verified(app, client, auth, therapist):
    save(client)
    client.post("/therapist/profile/publish")
    with app.app_context():
        profile = db.session.get(User, therapist).profile
        factories.make_certification(profile, status="pending")
        factories.make_certification(profile, status="rejected")
    auth.logout()
    page = page_of(client.get("/search?q=10001&show=all"))
    assert "Dr Ana Ruiz" in page and "Certification not verified" in page


def test_unpublished_profile_is_not_listed(client, auth, therapist):
    save(client)
    client.post("/therapist/profile/publish")
    response = client.post("/therapist/profile/unpublish", follow_redirects=True)
    assert "Your profile is no longer shown in the directory." in flashes(response)
    auth.logout()
    assert "Dr Ana Ruiz" not in page_of(client.get("/search?q=10001&show=all"))
    assert client.get("/practitioners/dr-ana-ruiz").status_code == 404


def test_removing_a_required_field_takes_a_published_profile_off_the_directory(app, client, therapist):
    save(client)
    client.post("/therapist/profile/publish")
    response = save(client, headache_types=None)
    assert "Your profile is hidden from the directory until you add at least one headache type you treat." in flashes(
        response
    )
    assert stored_profile(app, therapist).published is False


def test_preview_shows_the_public_page_before_publishing(app, client, therapist):
    assert client.get("/therapist/profile/preview").status_code == 302
    save(client)
    upload_photo(client, png_with_gps((40, 40)))
    page = page_of(client.get("/therapist/profile/preview"))
    assert "this is your profile as patients see it" in page
    assert "It is not published yet, so patients cannot see it." in page
    assert "<h1>Dr Ana Ruiz</h1>" in page
    assert "Migraine, Tension-type headache" in page and "$90–130 per session for 45 minutes" in page
    assert "Monday 09:00–13:00" in page and "Monday 14:00–18:00" in page
    assert "Certification not verified" in page
    profile_id = stored_profile(app, therapist).id
    assert f"/therapist/profiles/{profile_id}/photo" in page


def test_dashboard_shows_state_next_steps_and_notices(app, client, therapist):
    page = page_of(client.get("/therapist/"))
    assert "Not started" in page and "Fill in your profile: your practice, where it is and what you treat." in page
    save(client)
    with app.app_context():
        db.session.add(
            Notice(user_id=therapist, message="Your certification was verified", link="/therapist/certifications")
        )
        db.session.commit()
    page = page_of(client.get("/therapist/"))
    assert "Not published" in page and "Not verified" in page
    assert "Add your dry-needling certification with its evidence, so that our team can verify it." in page
    assert "Publish your profile so that patients can find you." in page
    assert '<a href="/therapist/certifications">Your certification was verified</a>' in page


def test_therapist_nav_link_is_only_for_therapists(client, auth, therapist):
    assert '<a href="/therapist/">My practice</a>' in page_of(client.get("/"))
    auth.logout()
    auth.login(role="patient")
    assert "My practice" not in page_of(client.get("/"))


@pytest.mark.parametrize("path", ["/therapist/", "/therapist/profile", "/therapist/certifications"])
def test_anonymous_visitors_are_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/auth/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("role", ["patient", "admin"])
def test_other_roles_cannot_post_to_the_editor(app, client, auth, role):
    user_id = auth.login(role=role)
    assert client.post("/therapist/profile", data=form_data()).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TherapistProfile)) == 0
        assert db.session.get(User, user_id).profile is None


def test_each_therapist_edits_only_their_own_profile(app, client, auth, therapist):
    with app.app_context():
        other = factories.make_profile(display_name="Other Therapist", slug="other-therapist")
        other_id = other.id
    save(client)
    with app.app_context():
        assert db.session.get(TherapistProfile, other_id).display_name == "Other Therapist"
        assert (
            db.session.scalar(
                select(func.count()).select_from(AvailabilitySlot).where(AvailabilitySlot.profile_id == other_id)
            )
            == 0
        )


def save_with_photo(client, content: bytes, filename: str = "me.png", **changes):
    """Save the profile form with a photo chosen in it, as the editor's one form sends them."""
    return post_file(client, "/therapist/profile", "photo", content, filename, **form_data(**changes))


def test_save_profile_saves_the_chosen_photo_with_it(app, client, therapist):
    save(client)
    response = save_with_photo(client, png_with_gps((40, 40)), bio="Now with a photo.")
    # To the pin (placed at the ZIP code's centre), as any save of this address; not to the photo.
    assert response.status_code == 302 and response.headers["Location"].endswith("/therapist/profile#location")
    profile = stored_profile(app, therapist)
    assert profile.photo_id is not None and profile.bio == "Now with a photo."
    # Then the pin's own message, as after any save of this address.
    assert flashes(client.get("/therapist/profile")).startswith("Your profile is saved. Your photo is saved. ")
    assert client.get(f"/therapist/profiles/{profile.id}/photo").headers["Content-Type"] == "image/jpeg"


def test_editor_sends_the_photo_with_the_profile_form(client, therapist):
    save(client)
    page = page_of(client.get("/therapist/profile"))
    assert 'id="profile-form" enctype="multipart/form-data"' in page
    assert (
        '<input accept="image/jpeg,image/png" aria-describedby="photo-file-help" form="profile-form" id="photo-file"'
        ' name="photo" type="file">' in page
    )
    assert (
        '<button type="submit" form="profile-form" class="button button-secondary">Upload photo and save the profile</button>'
        in page
    )


def test_a_bad_photo_with_the_profile_saves_the_profile_and_says_the_photo_was_not(app, client, therapist):
    save(client)
    response = save_with_photo(client, b"%PDF-1.4\n%%EOF\n", bio="Typed before choosing a PDF.", fee_min="95")
    assert response.status_code == 302 and response.headers["Location"].endswith("/therapist/profile#photo")
    profile = stored_profile(app, therapist)
    assert profile.photo_id is None
    assert (profile.bio, profile.fee_min) == ("Typed before choosing a PDF.", 95)
    page = client.get("/therapist/profile")
    assert flashes(page).startswith(
        "Your profile is saved. Your photo was not uploaded: A profile photo must be a JPEG or PNG image."
        " Choose another photo and save again. "
    )
    assert "Typed before choosing a PDF." in page_of(page)


def test_a_photo_with_a_profile_that_has_errors_keeps_what_was_typed_and_says_the_photo_was_not_saved(
    app, client, therapist
):
    save(client)
    response = save_with_photo(client, png_with_gps((40, 40)), display_name="", bio="Kept though the name is missing.")
    assert response.status_code == 400
    page = page_of(response)
    assert "Kept though the name is missing." in page
    assert (
        '<p class="error" id="photo-file-error">Your photo was not uploaded, because nothing was saved: correct the profile,'
        " then choose the photo again.</p>" in page
    )
    assert stored_profile(app, therapist).photo_id is None
