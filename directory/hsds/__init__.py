"""The HSDS 3.0 model: its tables (from the official tabular datapackage) and nested records."""
