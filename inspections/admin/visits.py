"""Admin of this area (integrity/access/scoped_admin.py)."""
