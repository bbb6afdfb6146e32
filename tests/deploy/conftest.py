"""The deployment recipe tried on this machine (deploy/try_locally.py).

Without nginx (on the path, at /usr/sbin/nginx, or the file ``PCNMAP_NGINX``
names), openssl or curl, every test here is skipped with the reason; with
``PCNMAP_DEPLOY_TESTS=required`` (CI, which installs them) they fail
instead, so a CI run cannot pass by skipping them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from deploy.try_locally import missing


def pytest_collection_modifyitems(config, items) -> None:
    reason = missing()
    if reason is None:
        return
    if os.environ.get("PCNMAP_DEPLOY_TESTS") == "required":
        raise pytest.UsageError(f"deploy tests required, but {reason}")
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.skip(reason=f"deploy test skipped: {reason}"))
