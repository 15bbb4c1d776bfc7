"""Values no database stores are refused as bad input (422), never as a database error (500).

Security findings 5 and 12 (issue 18): a NUL in a search made SQLite FTS5 raise, an id beyond
64 bits made SQLite raise OverflowError; both answered 500 and logged the query's values.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from resettle.adapters.db.registry.name_search import cases_matching
from resettle.adapters.db.security.tables import UserRow
from resettle.errors import ValidationError


@pytest.mark.parametrize("value", ["Kar\x00imi", 2**63, -(2**70)])
def test_unstorable_values_are_refused_before_the_database(session: Session,
                                                           value: object) -> None:
    with pytest.raises(ValidationError):
        session.execute(select(UserRow).where(UserRow.username == value))


def test_a_nul_in_a_name_search_is_bad_input(session: Session) -> None:
    with pytest.raises(ValidationError):
        cases_matching(session, "Kar\x00imi")


def test_database_errors_do_not_carry_the_query_values(engine: Engine) -> None:
    with engine.connect() as connection, pytest.raises(DBAPIError) as raised:
        connection.execute(text("SELECT no_such_column FROM users WHERE username = :u"),
                           {"u": "SECRET-NAME"})
    assert "SECRET-NAME" not in str(raised.value)
