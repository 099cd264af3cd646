"""The built documentation site in a real headless Chromium through chromedriver (selenium), served
from 127.0.0.1 by a thread: pages render, their math is typeset, search finds the names people
look for, nothing is fetched from outside the site, and the browser logs no error.

Set up as tests/autograd/test_html_player_browser.py is: Debian's `chromium` and `chromium-driver`;
without them, or without selenium (the dev extra) or MkDocs (the docs extra), these tests skip.
"""
from __future__ import annotations

import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
WAIT_SECONDS = 20


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="module")
def served_site(site: Path):
    """The site's base URL on 127.0.0.1, served by a thread that stops with the module."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def browser():
    browser_path = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")
                         if shutil.which(name)), None)
    driver_path = shutil.which("chromedriver")
    if browser_path is None or driver_path is None:
        pytest.skip("needs a Chromium browser and chromedriver (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = browser_path
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1000"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=driver_path), options=options)
    yield driver
    driver.quit()


def errors(driver) -> list:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def fetched_urls(driver) -> list[str]:
    return driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")


def open_page(driver, url: str) -> None:
    driver.get(url)
    WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


def wait_for_math(driver) -> int:
    """Waits for MathJax to finish typesetting; returns how many formulas it drew."""
    WebDriverWait(driver, WAIT_SECONDS).until(lambda d: d.execute_script(
        "return !!(window.MathJax && MathJax.startup && MathJax.startup.promise)"))
    driver.execute_async_script("const done = arguments[0]; MathJax.startup.promise.then(() => done())")
    return len(driver.find_elements(By.CSS_SELECTOR, "mjx-container"))


@pytest.mark.parametrize("path, expected", [
    ("", "chainrule"),
    ("api/layers/", "Conv2D"),
    ("notebooks/01_computation_graph/", "chain rule"),
])
def test_pages_render_from_the_site_alone(browser, served_site, path, expected, tmp_path):
    open_page(browser, served_site + path)
    content = browser.find_element(By.CSS_SELECTOR, "article.md-content__inner")
    assert expected in content.text
    wait_for_math(browser)
    outside = [url for url in fetched_urls(browser) if not url.startswith((served_site, "data:", "blob:"))]
    assert outside == [], f"{path or 'the home page'} fetched from outside the site: {outside}"
    screenshot = tmp_path / "page.png"
    assert browser.save_screenshot(str(screenshot)) and screenshot.read_bytes().startswith(PNG_MAGIC)
    assert errors(browser) == []


def test_a_lesson_shows_its_pictures_and_typeset_math(browser, served_site):
    open_page(browser, served_site + "notebooks/01_computation_graph/")
    assert wait_for_math(browser) > 5
    images = browser.find_elements(By.CSS_SELECTOR, ".jupyter-wrapper img, .jupyter-wrapper svg")
    assert images and all(image.size["width"] > 0 for image in images[:5])
    assert errors(browser) == []


@pytest.mark.parametrize("query, page", [("Conv2D", "api/layers/"), ("backward", "")])
def test_search_finds_the_names_people_look_for(browser, served_site, query, page):
    open_page(browser, served_site)
    box = WebDriverWait(browser, WAIT_SECONDS).until(  # in the header at this window's width
        expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, "input.md-search__input")))
    box.click()
    box.send_keys(query)
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".md-search-result__item"))
    results = browser.find_elements(By.CSS_SELECTOR, ".md-search-result__item")
    assert any(query.lower() in result.text.lower() for result in results)
    links = [link.get_attribute("href") for link in browser.find_elements(By.CSS_SELECTOR, ".md-search-result__link")]
    assert any(link.startswith(served_site + page) for link in links)
    assert errors(browser) == []
