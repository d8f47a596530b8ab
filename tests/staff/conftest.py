"""Staff accounts on a private copy of the seeded KB."""

from __future__ import annotations

import pytest

from kb.staff import StaffOps
from tests.webenv import require_web_environment

require_web_environment()  # the staff pages' tests run in the gateway's environment

PASSWORD = "correct horse battery"


@pytest.fixture
def ops(kb_engine) -> StaffOps:
    return StaffOps(kb_engine)


@pytest.fixture
def accounts(ops):
    """An admin, an editor of 市医保局, an editor of 市民政局 and a viewer."""
    return {
        "admin": ops.create_staff("admin", "管理员", PASSWORD, "admin"),
        "medical": ops.create_staff("yibao", "医保编辑", PASSWORD, "editor", ["市医保局"]),
        "civil": ops.create_staff("minzheng", "民政编辑", PASSWORD, "editor", ["市民政局"]),
        "viewer": ops.create_staff("viewer", "只读", PASSWORD, "viewer"),
    }
