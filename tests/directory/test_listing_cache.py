from directory.services.listing_cache import listing_changed, listing_version


def test_listing_changed_moves_the_version_forward():
    before = listing_version()
    listing_changed()
    after = listing_version()
    assert before is not None and after == before + 1


def test_unreachable_cache_means_do_not_cache(monkeypatch):
    from directory.services import listing_cache

    class Down:
        def get(self, *a, **k):
            raise ConnectionError("down")

        add = incr = get

    monkeypatch.setattr(listing_cache, "cache", Down())
    assert listing_version() is None
    listing_changed()  # must not raise
