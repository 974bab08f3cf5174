"""Instance settings in `DIR/harbour.toml`: who runs this directory and for where.

Written by `harbour init`, read by everything else.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

DEFAULT_DATA_DIR = Path("var")
CONFIG_NAME = "harbour.toml"

# Every language the PWA offers: code → name in its own script.
UI_LANGUAGES = {
    "en": "English",
    "ar": "العربية",
    "prs": "دری",
    "ps": "پښتو",
    "uk": "Українська",
    "fr": "Français",
    "es": "Español",
    "ti": "ትግርኛ",
    "so": "Soomaali",
}
RTL_LANGUAGES = {"ar", "prs", "fa", "ps", "ur", "ku", "ckb"}


@dataclass
class Settings:
    name: str = "Harbour"
    country: str = "GB"  # ISO 3166 alpha-2; the default region for phone numbers
    timezone: str = "Europe/London"
    source_language: str = "en"
    languages: list[str] = field(default_factory=lambda: list(UI_LANGUAGES))
    contact: str = ""
    licence: str = "CC BY-SA 4.0"
    # Where /tiles/ fetches the map tiles it serves from our own origin ("" for none).
    tiles: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    # Where `harbour serve` replicates the databases continuously with Litestream ("" for nowhere):
    # file:///PATH or s3://BUCKET/PATH (see the README's "Deploying"). `--replicate URL` overrides it.
    replicate: str = ""
    # /healthz turns "degraded" when the replica is more than this many seconds behind.
    replicate_max_lag: int = 30

    def to_toml(self) -> str:
        lines = ["# Harbour instance settings. Edit and restart `harbour serve`."]
        for key, value in asdict(self).items():
            lines.append(f"{key} = {_toml_value(value)}")
        return "\n".join(lines) + "\n"


DEMO_SETTINGS = Settings(
    name="Kingsmere City Council",
    country="GB",
    timezone="Europe/London",
    source_language="en",
    contact="welcome@kingsmere.example",
)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def resolve_data_dir(data_dir: str | Path | None) -> Path:
    if data_dir:
        return Path(data_dir)
    return Path(os.environ.get("HARBOUR_DATA_DIR") or DEFAULT_DATA_DIR)


def load_settings(data_dir: Path) -> Settings:
    path = data_dir / CONFIG_NAME
    if not path.exists():
        return Settings()
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: {error}") from None
    known = {k: v for k, v in values.items() if k in Settings.__dataclass_fields__}
    return Settings(**known)


def save_settings(data_dir: Path, settings: Settings) -> Path:
    path = data_dir / CONFIG_NAME
    path.write_text(settings.to_toml(), encoding="utf-8")
    return path
