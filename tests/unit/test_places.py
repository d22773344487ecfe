"""Which other names of a geonames city the gazetteer indexes."""

from directory.services.geo.gazetteer import ALTERNATE_NAMES_MIN_POPULATION, alternate_keys

KOLN = {
    "name": "Köln",
    "population": 1_024_621,
    "alternatenames": [
        "CGN",
        "Cologne",
        "Colonia Agrippina",
        "Koeln",
        "Köln",
        "Kölle",
        "kln",
        "Kel'n",
        "Кёльн",
        "ケルン",
        "K2",
    ],
}


def test_a_large_city_is_indexed_under_its_other_latin_names_folded_and_once_each():
    assert alternate_keys(KOLN) == ["cologne", "colonia agrippina", "koeln", "kolle", "keln"]


def test_codes_transliterations_and_other_scripts_are_left_out():
    keys = alternate_keys(KOLN)
    assert not {"cgn", "kln", "koln", "k2"} & set(keys)
    assert all(key.isascii() for key in keys)


def test_smaller_cities_keep_only_their_own_name():
    smaller = KOLN | {"population": ALTERNATE_NAMES_MIN_POPULATION - 1}
    assert alternate_keys(smaller) == []
    assert alternate_keys(KOLN | {"alternatenames": None}) == []
