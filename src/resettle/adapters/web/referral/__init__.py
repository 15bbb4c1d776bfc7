"""The referral stage on the web: API, pages, and the glue both call (actions)."""
