"""The one settings object: explicit values over the environment over the defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from cycle import DefinitionError
from services.settings import DEFAULT_FANOUT_MIN_MEETINGS, SHIPPED_CYCLES, Settings, SmtpSettings

FROM = "arshjul@region.example.se"


def test_explicit_values_win_over_the_environment_which_wins_over_defaults() -> None:
    env = {
        "ARSHJUL_DATABASE_URL": "sqlite:///miljo.db",
        "ARSHJUL_CYCLES_DIR": "/srv/cykler",
        "ARSHJUL_PUBLIC_URL": "https://kalender.example.se/",
    }
    settings = Settings.load(env, database_url="sqlite:///flagga.db")
    assert settings.database_url == "sqlite:///flagga.db"
    assert settings.cycles_dir == Path("/srv/cykler")
    assert settings.public_url == "https://kalender.example.se"  # no trailing slash
    defaults = Settings.load({"HOME": "/home/anna"})
    home = Path("/home/anna/.local/share/arshjul")
    assert defaults.home == home
    assert defaults.database_url == f"sqlite:///{home}/arshjul.db"
    assert defaults.cycles_dir == SHIPPED_CYCLES
    assert (defaults.reports_dir, defaults.publish_dir) == (home / "rapporter", home / "publicerat")
    assert defaults.secret_file == home / "arshjul-nyckel.secret"
    assert defaults.smtp() is None
    # one place for data, the same wherever a command runs
    moved = Settings.load({"HOME": "/home/anna", "ARSHJUL_HOME": "/srv/arshjul"})
    assert moved.database_url == "sqlite:////srv/arshjul/arshjul.db"
    assert moved.publish_dir == Path("/srv/arshjul/publicerat")


def test_a_wrong_mail_setting_stops_only_what_sends_mail() -> None:
    settings = Settings.load({"ARSHJUL_SMTP_HOST": "x", "ARSHJUL_SMTP_TLS": "tls1.3"})
    assert settings.database_url  # planning and publishing still have their settings
    with pytest.raises(DefinitionError, match="ARSHJUL_SMTP_TLS"):
        settings.smtp()
    secret = Settings.load({"ARSHJUL_SMTP_HOST": "x", "ARSHJUL_SMTP_PASSWORD": "hemligt"})
    assert "hemligt" not in repr(secret) and "hemligt" not in str(secret)


def test_settings_round_trip_through_the_environment_of_served_runs(tmp_path: Path) -> None:
    settings = Settings.load(
        {},
        database_url=f"sqlite:///{tmp_path / 'a.db'}",
        cycles_dir=tmp_path / "cykler",
        reports_dir=tmp_path / "rapporter",
        publish_dir=tmp_path / "ut",
        public_url="https://k.example.se",
        secret_file=tmp_path / "nyckel.secret",
    )
    assert Settings.load(settings.environment()) == settings
    assert "ARSHJUL_SECRET_KEY" not in settings.environment()  # the key never travels


def test_smtp_settings_from_the_environment() -> None:
    assert SmtpSettings.from_environment({}) is None
    s = SmtpSettings.from_environment(
        {
            "ARSHJUL_SMTP_HOST": "smtp.example.se",
            "ARSHJUL_SMTP_TLS": "starttls",
            "ARSHJUL_SMTP_USER": "u",
            "ARSHJUL_SMTP_PASSWORD": "hemligt",
            "ARSHJUL_SMTP_FROM": FROM,
        }
    )
    assert s is not None and (s.port, s.tls, s.sender) == (587, "starttls", FROM)
    assert "hemligt" not in repr(s) and "hemligt" not in str(s)
    with pytest.raises(DefinitionError, match="ARSHJUL_SMTP_TLS"):
        SmtpSettings.from_environment({"ARSHJUL_SMTP_HOST": "x", "ARSHJUL_SMTP_TLS": "tls1.3"})


def test_the_fan_out_threshold_is_read_and_a_bad_one_named() -> None:
    assert Settings.load({}).fan_out_min_meetings() == DEFAULT_FANOUT_MIN_MEETINGS
    assert Settings.load({"ARSHJUL_FANOUT_MIN_MEETINGS": "0"}).fan_out_min_meetings() == 0
    for bad in ("-1", "många"):
        with pytest.raises(DefinitionError, match="ARSHJUL_FANOUT_MIN_MEETINGS"):
            Settings.load({"ARSHJUL_FANOUT_MIN_MEETINGS": bad}).fan_out_min_meetings()
