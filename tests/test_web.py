"""The web page in a real headless browser (Debian chromium + chromedriver via selenium).

A missing browser is a failure, not a skip: CI installs `chromium chromium-driver`.
"""

from __future__ import annotations

import shutil
import socket
import time
import urllib.parse
import urllib.request

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dataset_records import XSS, records
from nlp_toolkit.dataset.build import build, merge
from nlp_toolkit.dataset.web import serve


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("web")
    build(merge(records()), out)
    port = _free_port()
    proc = serve(out, port)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("datasette did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    binary = shutil.which("chromium")
    driver_path = shutil.which("chromedriver")
    assert binary and driver_path, "install Debian chromium and chromium-driver (see .ci/run)"
    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(options=opts, service=webdriver.ChromeService(executable_path=driver_path))
    yield driver
    driver.quit()


def cards(browser) -> list[dict]:
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CLASS_NAME, "quote-card"))
    return [{"text": c.find_element(By.CLASS_NAME, "quote-text").text,
             "citation": c.find_element(By.CLASS_NAME, "citation").text}
            for c in browser.find_elements(By.CLASS_NAME, "quote-card")]


def test_search_then_filter_by_code(site, browser, tmp_path):
    browser.get(f"{site}/coded/segments")
    box = browser.find_element(By.ID, "_search")
    box.send_keys("паспорт")
    box.submit()
    WebDriverWait(browser, 10).until(lambda d: "_search=" in d.current_url and d.find_elements(By.CLASS_NAME, "quote-card"))
    assert sorted(c["text"][:11] for c in cards(browser)) == ["Полицейский", "Посредник О"]
    facet = browser.find_element(By.XPATH, "//a[contains(@href, 'codes__arraycontains=bribery_extortion')]")
    facet.click()
    WebDriverWait(browser, 10).until(lambda d: "arraycontains" in d.current_url)
    found = cards(browser)
    assert len(found) == 1 and found[0]["text"].startswith("Полицейский забрал паспорт")
    assert found[0]["citation"].startswith("Interview with Айгуль (pseudonym), migrant worker (woman, 34")
    assert "3 April 2019" in found[0]["citation"]
    assert browser.find_element(By.CLASS_NAME, "copy-quote").is_displayed()
    assert "_search=" in browser.find_element(By.CLASS_NAME, "export-csv").get_attribute("href")
    shot = tmp_path / "quotes.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000


def test_amount_filter_and_csv_export(site, browser):
    browser.get(f"{site}/coded/segments?usd_max__gte=100")
    assert [c["text"][:9] for c in cards(browser)] == ["Посредник"]
    csv_text = urllib.request.urlopen(f"{site}/coded/segments.csv?usd_max__gte=100").read().decode()
    assert "Бакыт (pseudonym)" in csv_text


def test_script_in_transcript_renders_as_text(site, browser):
    browser.get(f"{site}/coded/segments?_search=" + urllib.parse.quote("стене"))
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text
    assert [c["text"] for c in cards(browser)] == [XSS]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in browser.page_source
