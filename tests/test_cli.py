"""The `harbour` command line contract: init, stats, help, one-line errors, settings."""

from __future__ import annotations

import json
import tomllib

import pytest

from tests.test_import_export import harbour

COMMANDS = ["init", "serve", "import", "export", "stats"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_prints_help_with_data_dir(command):
    result = harbour(command, "--help")
    assert result.returncode == 0
    assert "--data-dir" in result.stdout


def test_init_writes_both_databases_and_the_settings(tmp_path):
    data_dir = tmp_path / "town"
    result = harbour("init", "--name", "Ville de Lyonnais", "--country", "fr", "--timezone", "Europe/Paris",
                     data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert (data_dir / "directory.db").exists() and (data_dir / "private.db").exists()
    settings = tomllib.loads((data_dir / "harbour.toml").read_text())
    assert settings["name"] == "Ville de Lyonnais"
    assert settings["country"] == "FR"
    assert settings["timezone"] == "Europe/Paris"
    stats = json.loads(harbour("stats", "--json", data_dir=data_dir).stdout)
    assert stats["services"] == 0
    assert stats["taxonomy_terms"] >= 20  # the Harbour taxonomy comes with every instance


def test_init_refuses_an_unknown_time_zone_in_one_line_and_writes_nothing(tmp_path):
    data_dir = tmp_path / "town"
    result = harbour("init", "--timezone", "Mars/Olympus", data_dir=data_dir)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1 and "Mars/Olympus" in result.stderr
    assert not (data_dir / "directory.db").exists()


def test_commands_on_a_missing_directory_say_to_run_init(tmp_path):
    result = harbour("stats", data_dir=tmp_path / "nowhere")
    assert result.returncode != 0
    assert "harbour init" in result.stderr


def test_demo_settings_are_the_demo_city(demo_template):
    settings = tomllib.loads((demo_template / "harbour.toml").read_text())
    assert settings["name"] == "Kingsmere City Council"
    assert settings["country"] == "GB" and settings["timezone"] == "Europe/London"
    assert settings["source_language"] == "en"


def test_stats_reports_the_demo_city(demo_template):
    result = harbour("stats", data_dir=demo_template)
    assert result.returncode == 0
    assert "Kingsmere City Council" in result.stdout
    assert "Legal help" in result.stdout
