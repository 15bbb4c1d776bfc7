"""Database adapter: SQLAlchemy tables, repositories, Alembic migrations."""
