"""The Harbour taxonomy: categories and safety/access attributes, with translated names."""
