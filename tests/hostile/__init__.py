"""Builders of malformed and hostile workbooks for the template importer's tests."""
