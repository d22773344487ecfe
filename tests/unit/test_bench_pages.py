"""bench/pages.py: each page alternated with the hello-world, whichever pages --only names."""

from types import SimpleNamespace

from bench import pages


def test_pages_are_measured_without_the_home_page_in_the_list(monkeypatch):
    runs = []

    def fake_wrk(base, url_file, *args):
        runs.append((base, url_file.name))
        rps = 1000.0 if base == "hello" else 100.0
        return {"rps": rps, "p50_ms": 1.0, "p99_ms": 2.0, "errors": {}, "errors_total": 0}

    monkeypatch.setattr(pages, "run_wrk", fake_wrk)
    monkeypatch.setattr(pages, "check_urls", lambda base, urls: [])
    args = SimpleNamespace(duration=1, connections=1, wrk_threads=1, accept_encoding="")
    measured = pages.measure({"profile": ["/practitioners/a"]}, "site", "hello", args, {"profile": 0.25})
    assert runs == [("hello", "profile.txt"), ("site", "profile.txt"), ("hello", "profile.txt")]
    assert measured["profile"]["ratio"] == 0.1 and not measured["profile"]["met"]
