"""`harbour publish OUT`: the directory as of one version, as files anyone can host (site.py)."""
