"""Registry: intake (parse and validate records), case service, import and export."""
