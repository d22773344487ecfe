"""gunicorn.conf.py: the settings production and the page benchmark share."""

import gc
import runpy

from config import BASE_DIR


def test_workers_are_forked_with_the_preloaded_app_hidden_from_the_garbage_collector():
    settings = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    assert settings["preload_app"] is True
    try:
        settings["pre_fork"](None, None)
        # Full collections in a worker then skip everything the app made before the fork.
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
