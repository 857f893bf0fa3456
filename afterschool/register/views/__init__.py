"""The register's pages, one module a part; their URLs are in ``afterschool/register/urls/``."""
