"""Browser: what a user types stays in the page. Typed into the coach (whole visit and one block) and the
calculator with every request recorded, no request leaves the site, no request carries the typed text, and
the text is stored nowhere: not in localStorage or sessionStorage, not in IndexedDB, not in the Cache API
(the service worker's cache, where there is one), not in the URL. At 1280x900 and 360x740 with touch.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
TIMEOUT = 90_000
#: a marker no page, data file or engine reply contains, so finding it anywhere means it leaked
SECRET = "Zq7xMarkerNote"
NOTE = f"TherEx 12 min: SLR w/ VC for {SECRET}.\nNMR 10 min: tandem on foam, Berg 41/56."

STORED = """async (secret) => {
  const found = [];
  for (const store of [localStorage, sessionStorage]) {
    for (let i = 0; i < store.length; i++) {
      const k = store.key(i);
      if ((k + store.getItem(k)).includes(secret)) found.push("web storage: " + k);
    }
  }
  if (indexedDB.databases) {
    for (const db of await indexedDB.databases()) found.push("indexedDB: " + db.name);
  }
  if (self.caches) {
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const req of await cache.keys()) {
        const body = await (await cache.match(req)).text();
        if ((req.url + body).includes(secret)) found.push("cache: " + req.url);
      }
    }
  }
  if (location.href.includes(secret)) found.push("url");
  return found;
}"""


def test_typed_text_never_leaves_the_page_and_is_stored_nowhere(user_device, press, base_url: str) -> None:
    requests: list[tuple[str, str]] = []
    page = user_device.new_page()
    page.on("request", lambda r: requests.append((r.url, (r.post_data or ""))))
    page.goto(base_url + "coach/")

    visit = page.locator("[data-widget=visit][data-mounted]")
    expect(visit).to_be_visible(timeout=TIMEOUT)
    visit.locator("[data-role=note]").fill(NOTE)
    press(visit.get_by_role("button", name="Check the visit"))
    expect(visit.locator("[data-role=result]")).to_have_attribute("data-state", "done", timeout=TIMEOUT)

    coach = page.locator("[data-widget=coach][data-mounted]")
    coach.locator("[data-role=note]").fill(NOTE)
    press(coach.get_by_role("button", name="Check the note"))
    expect(coach.locator("[data-role=result]")).not_to_have_attribute("data-state", "busy", timeout=TIMEOUT)

    page.goto(base_url + "calculator/")
    calc = page.locator("[data-widget=units][data-mounted]")
    expect(calc).to_be_visible(timeout=TIMEOUT)
    calc.locator("[name=code]").first.fill("97110")
    calc.locator("[name=minutes]").first.fill("23")
    press(calc.get_by_role("button", name="Calculate"))
    expect(calc.locator("[data-role=result]")).not_to_have_attribute("data-state", "busy", timeout=TIMEOUT)

    foreign = [url for url, _ in requests if not url.startswith(base_url) and not url.startswith("data:")]
    assert foreign == [], foreign
    carried = [url for url, body in requests if SECRET in url or SECRET in body]
    assert carried == [], carried
    for seen in user_device.seen_urls:
        assert seen.startswith(base_url) or seen.startswith("data:"), seen
    assert page.evaluate(STORED, SECRET) == []
    page.goto(base_url + "coach/")
    assert page.evaluate(STORED, SECRET) == []
