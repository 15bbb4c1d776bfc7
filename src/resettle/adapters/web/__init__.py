"""Web adapter: the FastAPI app, routes and templates."""
