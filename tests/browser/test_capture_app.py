"""The phone app (issue 15) in a real Chromium at phone size: installable without errors, an
entry typed offline saved once after coming back online, a photographed certificate becoming a
training the worker confirms, and log-out clearing what the app kept on the device."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portfolio.models import Entry, EvidenceFile
from tests import certificates
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, days_ago
from tests.factories import PASSWORD, make_organisation, make_team, make_user

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
SHOTS = Path(os.environ.get("VAKBEKWAAM_SCREENSHOTS", "/tmp/vakbekwaam-screens"))


@pytest.fixture
def worker(db):
    organisation = make_organisation(db)
    user = make_user(
        db,
        organisation,
        team=make_team(db, organisation),
        name=certificates.make_corpus()[4].participant,
    )
    db.commit()
    return user


@pytest.fixture
def phone(browser, tmp_path):
    """A phone-sized Chromium with a profile on disk: an installed app lives in an ordinary
    profile (Chromium reports `in-incognito` for Playwright's throwaway contexts)."""
    context = browser.browser_type.launch_persistent_context(
        tmp_path / "profile",
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        locale="nl-NL",
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(20_000)
    tab = context.pages[0] if context.pages else context.new_page()
    yield tab
    context.close()


def log_in(page, live_server, user) -> None:
    page.goto(f"{live_server}/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server}/portfolio/")


def wait_for_service_worker(page) -> None:
    """Until the service worker is active (its app shell cached)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")


DRAFTS_LEFT = """() => new Promise((resolve) => {
  const open = indexedDB.open('vakbekwaam', 1);
  open.onupgradeneeded = () =>
    open.result.createObjectStore('drafts', {keyPath: 'id', autoIncrement: true});
  open.onsuccess = () => {
    const count = open.result.transaction('drafts').objectStore('drafts').count();
    count.onsuccess = () => { resolve(count.result); open.result.close(); };
  };
})"""


def entries(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Entry))


def test_the_app_is_installable_without_errors(phone, live_server, worker):
    log_in(phone, live_server, worker)
    wait_for_service_worker(phone)
    cdp = phone.context.new_cdp_session(phone)
    report = cdp.send("Page.getInstallabilityErrors")
    assert report["installabilityErrors"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert not manifest["errors"], manifest["errors"]
    assert '"short_name": "Vakbekwaam"' in manifest["data"]


def test_an_entry_typed_offline_is_saved_once_when_the_connection_returns(
    phone, live_server, db, worker
):
    log_in(phone, live_server, worker)
    wait_for_service_worker(phone)
    phone.goto(f"{live_server}/portfolio/entries/new/reflection")
    phone.context.set_offline(True)
    phone.locator("#title").fill("Huisbezoek in de wijk")
    phone.locator("#occurred_on").fill(days_ago(1))
    phone.locator("#hours").fill("2")
    phone.locator("#body").fill("Wat ik leerde over samenwerken met de buurtcoach.")
    phone.locator("main form.card button[type=submit]").click()
    unsent = phone.locator("[data-unsent]")
    unsent.locator("li", has_text="Huisbezoek in de wijk").wait_for()
    assert "Nog niet verzonden" in unsent.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=SHOTS / "offline-1-nog-niet-verzonden.png", full_page=True)
    # A page that cannot be fetched: the Dutch offline page, the draft listed on it.
    phone.goto(f"{live_server}/portfolio/entries")
    assert "Je bent offline" in phone.locator("h1").inner_text()
    phone.locator("[data-unsent] li", has_text="Huisbezoek in de wijk").wait_for()
    phone.screenshot(path=SHOTS / "offline-2-offline-pagina.png")
    # The offline page's own form keeps a second one.
    offline_form = phone.locator("form[data-offline-form]")
    offline_form.locator("#title").fill("Gesprek met de wijkagent")
    offline_form.locator("#occurred_on").fill(days_ago(2))
    offline_form.locator("#hours").fill("1")
    offline_form.locator("button[type=submit]").click()
    phone.locator("[data-unsent] li", has_text="Gesprek met de wijkagent").wait_for()
    assert entries(db) == 0

    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.locator("[data-unsent]", has_text="Verzonden: Huisbezoek in de wijk").wait_for()
    assert "Verzonden: Gesprek met de wijkagent" in phone.locator("[data-unsent]").inner_text()
    # Opening the app again sends nothing twice.
    phone.goto(f"{live_server}/portfolio/")
    phone.reload()
    phone.wait_for_load_state("networkidle")
    assert phone.evaluate(DRAFTS_LEFT) == 0
    saved = db.scalars(select(Entry).order_by(Entry.id)).all()
    assert [(e.kind, e.title, str(e.hours)) for e in saved] == [
        ("reflection", "Huisbezoek in de wijk", "2.00"),
        ("reflection", "Gesprek met de wijkagent", "1.00"),
    ]


def test_a_photographed_certificate_becomes_a_training_the_worker_confirms(
    phone, live_server, db, worker
):
    cert = certificates.make_corpus()[4]
    log_in(phone, live_server, worker)
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=SHOTS / "capture-1-startpagina.png")
    capture = phone.locator("#photo")
    assert capture.get_attribute("capture") == "environment"
    with phone.expect_navigation(timeout=90_000):  # OCR on a shared, busy machine
        capture.set_input_files(
            {"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": certificates.photo(cert)}
        )
    assert "Gelezen van je certificaat" in phone.locator("main").inner_text()
    assert phone.locator("#occurred_on").input_value() == cert.date.isoformat()
    assert phone.locator("#hours").input_value().replace(",", ".").rstrip("0").rstrip(".") == str(
        cert.hours
    ).rstrip("0").rstrip(".")
    phone.screenshot(path=SHOTS / "capture-2-voorstel.png", full_page=True)
    assert entries(db) == 0  # read, not saved
    phone.locator("#title").fill(cert.title)  # the worker checks and corrects
    phone.locator("main form.card button[type=submit]").click()
    phone.wait_for_url(f"{live_server}/portfolio/entries/*")
    phone.screenshot(path=SHOTS / "capture-3-opgeslagen.png", full_page=True)
    entry = db.scalars(select(Entry)).one()
    assert (entry.kind, entry.title, entry.occurred_on) == ("training", cert.title, cert.date)
    stored = db.scalars(select(EvidenceFile)).one()
    assert stored.entry_id == entry.id and stored.content_type == "image/jpeg"
    assert b"GPS" not in stored.data[:4096] and b"Exif" not in stored.data[:64]


def test_log_out_clears_the_drafts_and_caches_on_the_device(phone, live_server, worker):
    log_in(phone, live_server, worker)
    wait_for_service_worker(phone)
    phone.goto(f"{live_server}/portfolio/entries/new/reflection")
    phone.context.set_offline(True)
    phone.locator("#title").fill("Blijft niet op het toestel")
    phone.locator("#occurred_on").fill(days_ago(1))
    phone.locator("#hours").fill("1")
    phone.locator("main form.card button[type=submit]").click()
    phone.locator("[data-unsent] li", has_text="Blijft niet op het toestel").wait_for()
    phone.context.set_offline(False)
    # Log out before it is sent (the send starts on 'online'; we do not raise it here).
    phone.locator("form[data-logout] button").click()
    phone.wait_for_url(f"{live_server}/login")
    # Deleting is asynchronous in the browser: wait until it is done (or the timeout fails us).
    phone.wait_for_function("async () => (await indexedDB.databases()).length === 0")
    left = phone.evaluate(
        """async () => {
          const names = (await indexedDB.databases()).map((d) => d.name);
          const caches_ = await caches.keys();
          return {names, caches: caches_, user: localStorage.getItem('vakbekwaam-user')};
        }"""
    )
    assert left == {"names": [], "caches": [], "user": None}
