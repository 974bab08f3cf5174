"""Where the project's own files are: demo data, the PWA, the Datasette plugins."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEMO_DIR = DATA_DIR / "demo"
PWA_DIR = PROJECT_ROOT / "pwa"
PLUGINS_DIR = PROJECT_ROOT / "datasette_plugins"
