"""The register's URL modules, one per namespace: ``accounts`` and ``school``."""
