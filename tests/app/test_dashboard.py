"""AppTest of the overview page (the start page) and of the data folder's checks."""

from __future__ import annotations

from pcnmap import store
from tests.screen import metrics, run, shown


def test_overview_shows_the_latest_snapshots_headline() -> None:
    app = run()
    assert not app.exception
    key = store.snapshot_keys()[-1]
    figures = store.headline(store.read_table(store.DATA_DIR, key, "practices"),
                             store.read_table(store.DATA_DIR, key, "networks"))
    shown_metrics = metrics(app)
    assert shown_metrics["GP practices"] == f"{figures.practices:,}"
    assert shown_metrics["Networks"] == f"{figures.networks:,}"
    assert shown_metrics["Patients in a network"] == f"{figures.share_in_network:.1%}"
    assert key in str(app.query_params["snapshot"])


def test_choosing_a_snapshot_updates_figures_and_url() -> None:
    app = run()
    before = metrics(app)
    app.selectbox[0].select("2019-12").run()
    after = metrics(app)
    figures = store.headline(store.read_table(store.DATA_DIR, "2019-12", "practices"),
                             store.read_table(store.DATA_DIR, "2019-12", "networks"))
    assert after["GP practices"] == f"{figures.practices:,}"
    assert after != before
    assert "2019-12" in str(app.query_params["snapshot"])


def test_link_opens_the_same_snapshot() -> None:
    app = run(snapshot="2022-04")
    assert app.selectbox[0].value == "2022-04"
    networks = store.read_table(store.DATA_DIR, "2022-04", "networks")
    assert metrics(app)["Networks"] == f"{len(networks):,}"


def test_attribution_is_shown() -> None:
    app = run()
    text = " ".join(m.value for m in app.markdown)
    for line in store.ATTRIBUTION:
        assert line in text


def test_overview_map_is_a_picture_of_every_commissioner() -> None:
    app = run(snapshot="2019-12")
    pictures = [m.value for m in app.markdown if "<svg" in m.value]
    assert len(pictures) == 1
    commissioners = store.read_geo(store.DATA_DIR, "2019-12", "national_commissioners")
    assert pictures[0].count("<title>") == len(commissioners) > 1


def test_about_the_data_lists_every_source_file() -> None:
    app = run(snapshot="2022-04")
    text = " ".join(m.value for m in app.markdown)
    sources = store.read_manifest(store.DATA_DIR)["snapshots"]["2022-04"]["sources"]
    assert sources
    for source in sources:
        vintage = source["vintage"].replace("-", "\\-")  # shown as plain text
        assert f"`{source['name']}` | {vintage} | `{source['sha256'][:16]}…`" in text


def test_missing_data_gives_a_message_not_a_traceback(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(store, "DATA_DIR", tmp_path)
    app = run()
    assert not app.exception
    messages = [shown(e.value) for e in app.error]
    assert any("the data folder's manifest is missing" in m for m in messages)
    assert not any(str(tmp_path) in m for m in messages)  # no server path


def test_a_damaged_data_folder_is_refused_naming_the_table(monkeypatch, tmp_path) -> None:
    """A table that no longer matches the manifest (a build stopped half-way, a
    file from another build) is refused before any page uses it."""
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(store.DATA_DIR, folder)
    practices = folder / "2022-04" / "practices.parquet"
    practices.write_bytes(practices.read_bytes()[: practices.stat().st_size // 2])
    monkeypatch.setattr(store, "DATA_DIR", folder)
    app = run()
    assert not app.exception
    messages = " ".join(shown(e.value) for e in app.error)
    assert "the practices table of snapshot 2022-04 does not match its manifest" in messages
    assert str(tmp_path) not in messages
