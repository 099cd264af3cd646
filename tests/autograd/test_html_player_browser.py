"""The Stepper's HTML player, used in a real headless Chromium through chromedriver (selenium).

Debian's `chromium` and `chromium-driver` packages provide the browser and its driver (`.ci/run`
installs them); without them, or without selenium (the dev extra), these tests skip. Each run
keeps a screenshot of the player as a test artifact, under pytest's tmp_path.
"""
from __future__ import annotations

import shutil

import pytest

from autograd import viz
from autograd.viz.examples import neuron

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def find_binaries() -> tuple[str, str]:
    browser = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")
                    if shutil.which(name)), None)
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        pytest.skip("needs a Chromium browser and chromedriver (apt-get install chromium chromium-driver)")
    if shutil.which("dot") is None:
        pytest.skip("the player's frames are rendered by Graphviz's dot")
    return browser, driver


@pytest.fixture
def browser():
    browser_path, driver_path = find_binaries()
    options = webdriver.ChromeOptions()
    options.binary_location = browser_path
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1000"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=driver_path),
                              options=options)
    yield driver
    driver.quit()


class Player:
    """What a person sees of the player on the page, and the controls they use."""

    def __init__(self, driver) -> None:
        self.driver = driver
        self.root = driver.find_element(By.CSS_SELECTOR, ".cr-player")
        self.slider = self.root.find_element(By.CSS_SELECTOR, "input[type=range]")

    def frame(self) -> int:
        shown = [f for f in self.root.find_elements(By.CSS_SELECTOR, ".cr-frame") if f.is_displayed()]
        assert len(shown) == 1, f"{len(shown)} frames visible at once"
        return int(shown[0].get_attribute("data-frame"))

    def caption(self) -> str:
        return self.root.find_element(By.CSS_SELECTOR, ".cr-caption").text

    def counter(self) -> str:
        return self.root.find_element(By.CSS_SELECTOR, ".cr-counter").text

    def click(self, button: str) -> None:
        self.root.find_element(By.CSS_SELECTOR, f".cr-{button}").click()

    def errors(self) -> list:
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]


def test_buttons_slider_and_arrow_keys_step_through_the_frames(browser, tmp_path):
    y, _ = neuron()
    stepper = viz.Stepper(y)
    captions = [frame.caption for frame in stepper]
    browser.get(stepper.to_html(tmp_path / "steps.html").as_uri())
    player = Player(browser)
    last = len(stepper) - 1
    assert (player.frame(), player.caption(), player.counter()) == (0, captions[0], f"1 / {len(stepper)}")

    player.click("next")
    player.click("next")
    assert player.frame() == 2 and player.caption() == captions[2] != captions[0]
    assert player.counter() == f"3 / {len(stepper)}"

    # Drag the slider's thumb to the far right end: the last frame.
    thumb_x = player.slider.size["width"] * (2 / last - 0.5)  # from the slider's centre
    ActionChains(browser).move_to_element_with_offset(player.slider, int(thumb_x), 0).click_and_hold() \
        .move_by_offset(player.slider.size["width"], 0).release().perform()
    assert player.frame() == last and player.caption() == captions[last]

    player.click("prev")
    assert player.frame() == last - 1
    player.root.send_keys(Keys.ARROW_LEFT)
    player.root.send_keys(Keys.ARROW_LEFT)
    assert player.frame() == last - 3 and player.caption() == captions[last - 3]
    player.root.send_keys(Keys.ARROW_RIGHT)
    assert player.frame() == last - 2
    player.slider.send_keys(Keys.ARROW_LEFT)  # on the slider itself: one step, not two
    assert player.frame() == last - 3

    screenshot = tmp_path / "html_player.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.read_bytes().startswith(PNG_MAGIC)
    print(f"screenshot of the player: {screenshot}")
    assert player.errors() == []


def test_arrow_keys_work_as_soon_as_the_page_opens(browser, tmp_path):
    y, _ = neuron()
    stepper = viz.Stepper(y)
    browser.get(stepper.to_html(tmp_path / "steps.html").as_uri())
    player = Player(browser)
    browser.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
    assert player.frame() == 1
    browser.switch_to.active_element.send_keys(Keys.ARROW_LEFT, Keys.ARROW_LEFT)
    assert player.frame() == 0  # never before the first frame
    assert player.errors() == []
