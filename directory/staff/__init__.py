"""The staff and publisher workspace: /staff/ pages and the /api/ JSON API."""
