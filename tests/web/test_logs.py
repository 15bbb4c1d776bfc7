"""The application's logs hold no personal data, password, token or search words."""

from __future__ import annotations

import logging

import pytest
from web_world import MARKERS, PASSWORD, World

CLIENT_LOGGERS = ("httpx", "httpcore")


def test_a_working_session_logs_no_personal_data(world: World,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, every level: the strictest case
    protection = world.login_for_real("protection")
    protection.get("/api/cases?q=Karimi")
    protection.get("/cases?q=کریمی")
    protection.get("/api/cases/C-001")
    protection.get("/cases/C-001")
    protection.post("/api/cases/C-001/notes",
                    json={"section": "confidential", "text": "CONF-NOTE-SECRET again"})
    protection.get("/api/export/cases.csv")
    world.client().post("/api/session", json={"username": "protection",
                                              "password": "wrong " + PASSWORD, "totp": "000000"})
    token = protection.cookies.get("resettle_session")
    # The test's own HTTP client (httpx) logs its URLs; the server side is what is checked.
    logged = "\n".join(record.getMessage() for record in caplog.records
                       if not record.name.startswith(CLIENT_LOGGERS))
    assert "GET /api/cases/{case_id} 200" in logged  # the route template is logged...
    forbidden = [word for words in MARKERS.values() for word in words]
    forbidden += [PASSWORD, "C-001", "Karimi", "کریمی", str(token)]
    assert [word for word in forbidden if word in logged] == []  # ...never what it carried
