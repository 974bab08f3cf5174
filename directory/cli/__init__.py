"""The `harbour` command line: thin wrappers over the same functions the web app calls."""
