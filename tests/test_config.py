"""crawler/config.py: defaults < TOML file < environment < overrides, and its errors.

Every call passes ``env`` explicitly so the machine's environment never leaks in;
config files are written to tmp_path.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from provwatch.crawler.config import REDACTED, SETTINGS, load_config
from provwatch.crawler.errors import ConfigError


def write(tmp_path: Path, text: str, name: str = "provwatch.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- defaults -----------------------------------------------------------------------


def test_defaults_apply_when_nothing_is_set():
    cfg = load_config(env={})
    for s in SETTINGS:
        if s.key not in ("database_url", "data_dir"):
            assert getattr(cfg, s.key) == s.default, s.key
    assert cfg.source_file is None


def test_data_dir_defaults_to_the_user_data_dir():
    assert load_config(env={}).data_dir == platformdirs.user_data_dir("provwatch")


def test_database_url_defaults_to_a_sqlite_file_under_data_dir(tmp_path):
    cfg = load_config(env={"PROVWATCH_DATA_DIR": str(tmp_path)})
    assert cfg.database_url == "sqlite:///" + str(tmp_path / "provwatch.db")


def test_an_empty_database_url_falls_back_to_the_default(tmp_path):
    cfg = load_config(env={"PROVWATCH_DATA_DIR": str(tmp_path), "PROVWATCH_DATABASE_URL": ""})
    assert cfg.database_url == "sqlite:///" + str(tmp_path / "provwatch.db")


# --- file, environment, overrides -------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('log_level = "debug"\nsmtp_port = 2525\nobey_robots = false\n',
                     id="top-level keys"),
        pytest.param('[provwatch]\nlog_level = "debug"\nsmtp_port = 2525\nobey_robots = false\n',
                     id="a [provwatch] table"),
    ],
)
def test_file_values_are_read_in_either_form(tmp_path, text):
    path = write(tmp_path, text)
    cfg = load_config(path, env={})
    assert (cfg.log_level, cfg.smtp_port, cfg.obey_robots) == ("debug", 2525, False)
    assert cfg.source_file == str(path)


def test_the_config_path_may_come_from_the_environment(tmp_path):
    path = write(tmp_path, 'smtp_host = "mail.example.com"\n')
    cfg = load_config(env={"PROVWATCH_CONFIG": str(path)})
    assert (cfg.smtp_host, cfg.source_file) == ("mail.example.com", str(path))


def test_an_explicit_path_beats_the_config_environment_variable(tmp_path):
    chosen = write(tmp_path, 'smtp_host = "chosen"\n', "a.toml")
    other = write(tmp_path, 'smtp_host = "other"\n', "b.toml")
    cfg = load_config(chosen, env={"PROVWATCH_CONFIG": str(other)})
    assert cfg.smtp_host == "chosen"


def test_environment_overrides_the_file(tmp_path):
    path = write(tmp_path, 'smtp_host = "from-file"\nsmtp_port = 2525\n')
    cfg = load_config(path, env={"PROVWATCH_SMTP_HOST": "from-env"})
    assert (cfg.smtp_host, cfg.smtp_port) == ("from-env", 2525)


def test_overrides_beat_the_environment_and_the_file(tmp_path):
    path = write(tmp_path, "smtp_port = 2525\n")
    cfg = load_config(path, env={"PROVWATCH_SMTP_PORT": "2626"}, overrides={"smtp_port": 2727})
    assert cfg.smtp_port == 2727


@pytest.mark.parametrize(
    ("name", "raw", "key", "value"),
    [
        pytest.param("PROVWATCH_OBEY_ROBOTS", "no", "obey_robots", False, id="a boolean word"),
        pytest.param("PROVWATCH_KEEP_RAW_HTML", "0", "keep_raw_html", False, id="a boolean 0"),
        pytest.param("PROVWATCH_SMTP_PORT", "587", "smtp_port", 587, id="an integer"),
        pytest.param("PROVWATCH_CRAWL_TIMEOUT", "12.5", "crawl_timeout", 12.5, id="a float"),
        pytest.param("PROVWATCH_LOG_LEVEL", " WARNING ", "log_level", "warning",
                     id="a choice is trimmed and lowercased"),
        pytest.param("PROVWATCH_SMTP_USERNAME", "  ", "smtp_username", None,
                     id="a blank optional string is None"),
    ],
)
def test_environment_strings_are_parsed_to_their_type(name, raw, key, value):
    assert getattr(load_config(env={name: raw}), key) == value


def test_environment_variables_without_the_prefix_are_ignored():
    cfg = load_config(env={"SMTP_HOST": "elsewhere", "WORKERS": "9"})
    assert (cfg.smtp_host, cfg.workers) == ("localhost", 4)


def test_provwatch_variables_that_are_not_settings_but_are_read_elsewhere_are_allowed():
    cfg = load_config(env={"PROVWATCH_TEST_DATABASE_URL": "postgresql://u@h/db",
                           "PROVWATCH_CACHE_DIR": "/tmp/provwatch-cache"})
    assert cfg.workers == 4


# --- errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "why"),
    [
        pytest.param("smtp_port = -1\n", "smtp_port", "must be a port number 1-65535",
                     id="a negative port"),
        pytest.param('smtp_port = "abc"\n', "smtp_port", "must be a whole number, got 'abc'",
                     id="a port word"),
        pytest.param("smtp_port = true\n", "smtp_port", "not a number", id="a boolean port"),
        pytest.param('log_level = "loud"\n', "log_level", "must be one of", id="a bad choice"),
        pytest.param('obey_robots = "maybe"\n', "obey_robots", "not a boolean",
                     id="a bad boolean"),
        pytest.param('[provwatch]\nsmtp_security = "tls"\n', "smtp_security", "must be one of",
                     id="a bad value inside the table"),
    ],
)
def test_a_bad_file_value_names_the_file_and_key(tmp_path, text, key, why):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    msg = str(err.value)
    assert msg.startswith(f"{path}: key '{key}': ")
    assert why in msg


@pytest.mark.parametrize(
    ("name", "raw", "why"),
    [
        pytest.param("PROVWATCH_SMTP_PORT", "0", "must be a port number 1-65535", id="zero port"),
        pytest.param("PROVWATCH_OBEY_ROBOTS", "maybe", "not a boolean", id="bad boolean"),
        pytest.param("PROVWATCH_DOWNLOAD_DELAY", "soon", "must be a number, got 'soon'",
                     id="bad float"),
        pytest.param("PROVWATCH_WORKERS", "four", "must be a whole number, got 'four'",
                     id="a number in words"),
        pytest.param("PROVWATCH_DOWNLOAD_TIMEOUT", "inf", "must be a finite number",
                     id="an infinite timeout"),
        pytest.param("PROVWATCH_CRAWL_TIMEOUT", "nan", "must be a finite number",
                     id="a NaN timeout, which would never kill a hanging crawl"),
        pytest.param("PROVWATCH_DOWNLOAD_DELAY", "-inf", "must be a finite number",
                     id="a negative infinite delay"),
        pytest.param("PROVWATCH_SMTP_PORT", "70000", "must be a port number 1-65535",
                     id="a port above 65535"),
        pytest.param("PROVWATCH_METRICS_PORT", "65536", "must be a port number 0-65535",
                     id="a metrics port above 65535"),
        pytest.param("PROVWATCH_UNHEALTHY_FAILING_SHARE", "nan", "must be a finite number",
                     id="a NaN share"),
    ],
)
def test_a_bad_environment_value_names_the_variable(name, raw, why):
    with pytest.raises(ConfigError) as err:
        load_config(env={name: raw})
    assert str(err.value).startswith(f"environment variable {name}: ")
    assert why in str(err.value)


def test_a_bad_environment_value_is_reported_even_if_the_file_is_fine(tmp_path):
    path = write(tmp_path, "smtp_port = 25\n")
    with pytest.raises(ConfigError, match="environment variable PROVWATCH_SMTP_PORT"):
        load_config(path, env={"PROVWATCH_SMTP_PORT": "-3"})


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('smtp_hots = "x"\n', id="top-level"),
        pytest.param('[provwatch]\nsmtp_hots = "x"\n', id="inside the table"),
    ],
)
def test_an_unknown_key_in_the_file_is_refused_by_name(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=r"unknown key 'smtp_hots'") as err:
        load_config(path, env={})
    assert str(err.value).startswith(str(path))


def test_a_provwatch_key_that_is_not_a_table_is_refused(tmp_path):
    path = write(tmp_path, "provwatch = 3\n")
    with pytest.raises(ConfigError, match=r"\[provwatch\] must be a table"):
        load_config(path, env={})


@pytest.mark.parametrize(
    "make_path",
    [
        pytest.param(lambda tmp: tmp / "missing.toml", id="a missing file"),
        pytest.param(lambda tmp: tmp, id="a directory"),
    ],
)
def test_an_unreadable_file_is_refused_naming_it(tmp_path, make_path):
    path = make_path(tmp_path)
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert str(err.value).startswith(f"{path}: cannot read config file")


def test_invalid_toml_is_refused_naming_the_file(tmp_path):
    path = write(tmp_path, "log_level = \n")
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert str(err.value).startswith(f"{path}: not valid TOML")


def test_top_level_keys_beside_a_provwatch_table_are_not_silently_ignored(tmp_path):
    path = write(tmp_path, 'log_level = "debug"\n[provwatch]\nsmtp_port = 2525\n')
    try:
        cfg = load_config(path, env={})
    except ConfigError:
        return  # refusing the mix is as good as reading it
    assert cfg.log_level == "debug"


def test_a_list_for_a_string_setting_is_refused(tmp_path):
    path = write(tmp_path, 'smtp_host = ["a.example.com", "b.example.com"]\n')
    with pytest.raises(ConfigError, match="smtp_host"):
        load_config(path, env={})


def test_a_fractional_value_for_an_integer_setting_is_refused(tmp_path):
    path = write(tmp_path, "smtp_port = 25.9\n")
    with pytest.raises(ConfigError, match="smtp_port"):
        load_config(path, env={})


def test_a_negative_download_delay_is_refused():
    with pytest.raises(ConfigError, match="PROVWATCH_DOWNLOAD_DELAY"):
        load_config(env={"PROVWATCH_DOWNLOAD_DELAY": "-5"})


# --- redacted() ---------------------------------------------------------------------


def test_redacted_hides_the_smtp_password_and_webhook_secret():
    cfg = load_config(env={"PROVWATCH_SMTP_PASSWORD": "hunter2",
                           "PROVWATCH_WEBHOOK_SECRET": "s3cr3t-key"})
    out = cfg.redacted()
    assert (out["smtp_password"], out["webhook_secret"]) == (REDACTED, REDACTED)
    assert "hunter2" not in repr(out) and "s3cr3t-key" not in repr(out)


def test_redacted_leaves_unset_secrets_as_none():
    out = load_config(env={}).redacted()
    assert (out["smtp_password"], out["webhook_secret"]) == (None, None)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        pytest.param("postgresql://u:secret@h/db", "postgresql://u:***@h/db",
                     id="only the password of a postgres url"),
        pytest.param("postgresql+psycopg://u:se%40cret@db.example.com:5432/pw",
                     "postgresql+psycopg://u:***@db.example.com:5432/pw",
                     id="a password with an escaped at sign, driver and port"),
        pytest.param("sqlite:////var/lib/provwatch/provwatch.db",
                     "sqlite:////var/lib/provwatch/provwatch.db",
                     id="a sqlite url has nothing to hide"),
    ],
)
def test_redacted_hides_only_the_password_of_the_database_url(url, shown):
    out = load_config(env={"PROVWATCH_DATABASE_URL": url}).redacted()
    assert out["database_url"] == shown


def test_redacted_lists_every_setting_and_keeps_the_rest_visible():
    cfg = load_config(env={"PROVWATCH_SMTP_USERNAME": "alerts", "PROVWATCH_SMTP_PORT": "587"})
    out = cfg.redacted()
    assert list(out) == [s.key for s in SETTINGS]
    assert (out["smtp_username"], out["smtp_port"]) == ("alerts", 587)


def test_redacted_hides_a_database_password_given_as_a_query_parameter():
    out = load_config(env={"PROVWATCH_DATABASE_URL": "postgresql://u@h/db?password=secret"})
    assert "secret" not in out.redacted()["database_url"]


# --- names that are not settings, and values that could never work -----------------------


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        pytest.param("PROVWATCH_WORKRS", "PROVWATCH_WORKERS", id="a misspelt variable"),
        pytest.param("PROVWATCH_SMTP_PASSWROD", "PROVWATCH_SMTP_PASSWORD",
                     id="a misspelt secret"),
    ],
)
def test_an_unknown_provwatch_variable_is_an_error_with_a_suggestion(name, suggestion):
    with pytest.raises(ConfigError) as err:
        load_config(env={name: "3"})
    assert str(err.value).startswith(f"environment variable {name} is not a provwatch setting")
    assert f"did you mean {suggestion}?" in str(err.value)


def test_an_unknown_provwatch_variable_unlike_any_setting_is_still_an_error():
    with pytest.raises(ConfigError, match="PROVWATCH_NOT_A_SETTING is not a provwatch"):
        load_config(env={"PROVWATCH_NOT_A_SETTING": "x"})


def test_a_misspelt_key_in_the_file_suggests_the_setting(tmp_path):
    path = write(tmp_path, "[provwatch]\nworkrs = 3\n")
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert str(err.value).startswith(f"{path}: unknown key 'workrs' (did you mean 'workers'?)")


def test_an_unknown_override_is_refused():
    with pytest.raises(ConfigError, match="setting 'wokers' does not exist"):
        load_config(env={}, overrides={"wokers": 2})


def test_a_config_file_that_is_not_utf8_is_one_message_naming_it(tmp_path):
    path = tmp_path / "gbk.toml"
    path.write_bytes('[provwatch]\nsmtp_host = "主机"\n'.encode("gbk"))
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert str(err.value).startswith(f"{path}: not UTF-8 text")
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("crawl_timeout = nan\n", id="nan"),
        pytest.param("download_timeout = inf\n", id="inf"),
        pytest.param("smtp_port = 70000\n", id="a port out of range"),
    ],
)
def test_toml_special_numbers_and_out_of_range_values_are_refused(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=f"{path}: key '{text.split()[0]}': must be"):
        load_config(path, env={})


@pytest.mark.parametrize(
    ("url", "why"),
    [
        pytest.param("foo://bar", "database 'foo' in foo://bar is not supported",
                     id="an unknown scheme"),
        pytest.param("mysql://u:secret@h/db", "database 'mysql' in mysql://u:***@h/db",
                     id="mysql"),
        pytest.param("mongodb://u:secret@h/db", "database 'mongodb'", id="mongodb"),
        pytest.param("postgres://u:secret@h/db", "(did you mean 'postgresql'?)",
                     id="postgres, a near miss"),
        pytest.param("postgresql://u:secret@h:99999/db", "port 99999 is not a port number",
                     id="a port out of range"),
        pytest.param("not a url secret", "<redacted> is not a database URL",
                     id="not a URL at all, shown hidden"),
    ],
)
def test_a_database_url_provwatch_cannot_use_is_refused_without_its_password(url, why):
    with pytest.raises(ConfigError) as err:
        load_config(env={"PROVWATCH_DATABASE_URL": url})
    msg = str(err.value)
    assert msg.startswith("environment variable PROVWATCH_DATABASE_URL: ")
    assert why in msg and "secret" not in msg
    assert "sqlite:///PATH or postgresql://" in msg or "port number 1-65535" in msg


@pytest.mark.parametrize(
    "url",
    ["sqlite:///x.db", "sqlite+pysqlite:////tmp/x.db", "postgresql://u:p@h/db",
     "postgresql+psycopg://u@h:5432/db"],
)
def test_sqlite_and_postgresql_urls_are_accepted(url):
    assert load_config(env={"PROVWATCH_DATABASE_URL": url}).database_url == url


@pytest.mark.parametrize(
    ("channels", "why"),
    [
        pytest.param("smtp:foo", "'smtp:foo' is not a channel target", id="an unknown kind"),
        pytest.param("emial:ops@example.com", "(did you mean 'email'?)", id="a misspelt kind"),
        pytest.param("ops@example.com", "is not a channel target", id="no kind"),
        pytest.param("email:ops", "'ops' is not an email address", id="not an address"),
        pytest.param("email:a@b.example,webhook:ftp://h/x", "a webhook needs an http(s) URL",
                     id="the second target is bad"),
    ],
)
def test_operator_channels_are_checked_target_by_target(channels, why):
    with pytest.raises(ConfigError) as err:
        load_config(env={"PROVWATCH_OPERATOR_CHANNELS": channels})
    assert str(err.value).startswith("environment variable PROVWATCH_OPERATOR_CHANNELS: ")
    assert why in str(err.value)


def test_good_operator_channels_are_kept_as_written():
    text = "email:ops@example.com, webhook:https://hooks.example.com/p, slack://a/b/c"
    assert load_config(env={"PROVWATCH_OPERATOR_CHANNELS": text}).operator_channels == text


@pytest.mark.parametrize(
    ("name", "raw", "hint"),
    [
        pytest.param("PROVWATCH_LOG_LEVEL", "warn", "(did you mean 'warning'?)", id="log level"),
        pytest.param("PROVWATCH_LOG_FORMAT", "jsno", "(did you mean 'json'?)", id="log format"),
    ],
)
def test_a_near_miss_choice_suggests_the_valid_one(name, raw, hint):
    with pytest.raises(ConfigError) as err:
        load_config(env={name: raw})
    assert str(err.value).endswith(f"got {raw!r} {hint}")
