#!/usr/bin/env python3
"""The web site of `jwt-auth serve` in headless Chromium, driven by Selenium.

Run by Tests/JWTAuthCLITests/BrowserTests.swift, which starts the server. Reads JWT_AUTH_URL (the running
server, loopback), JWT_AUTH_ACCESS_TTL (its access token lifetime in seconds), JWT_AUTH_CHROMEDRIVER
(Debian's chromedriver) and JWT_AUTH_ARTIFACTS (where the screenshots go). Prints one line per step, then
"browser: N passed, N failed"; exits 1 when a step failed (the steps after it are not run: each builds on
the last).
"""

import json
import os
import shutil
import signal
import sys
import time
import traceback
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE = os.environ["JWT_AUTH_URL"].rstrip("/")
ACCESS_TTL = float(os.environ.get("JWT_AUTH_ACCESS_TTL", "3"))
ARTIFACTS = os.environ.get("JWT_AUTH_ARTIFACTS", "artifacts/browser")
USERNAME = "alice"
PASSWORD = "correct horse battery"
PHONE = (412, 915)
CHROMEDRIVER = os.environ.get("JWT_AUTH_CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def api(method, path, body=None, token=None):
    """Calls the JSON API; returns (status, parsed body or None)."""
    headers = {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token is not None:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(BASE + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else None


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


class Browser:
    def __init__(self):
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for argument in (
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--no-first-run",
            f"--window-size={PHONE[0]},{PHONE[1]}",
        ):
            options.add_argument(argument)
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.set_page_load_timeout(15)
        self.shots = []

    def open(self, path):
        self.driver.get(BASE + path)

    def location(self):
        parts = urlsplit(self.driver.current_url)
        return parts.path + ("?" + parts.query if parts.query else "")

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def submit(self, fields, button="button[type=submit]"):
        """Fills the form's fields, clicks its button and waits for the next page."""
        for name, value in fields.items():
            element = self.driver.find_element(By.NAME, name)
            element.clear()
            element.send_keys(value)
        page = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(By.CSS_SELECTOR, button).click()
        self.wait_until_replaced(page)

    def reload(self):
        page = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.refresh()
        self.wait_until_replaced(page)

    def wait_until_replaced(self, page):
        """Waits until `page` (the old document's root) is gone: the next page has loaded.

        Selenium's `staleness_of` only knows StaleElementReferenceException. While Chromium swaps documents it can
        also answer "Node with given id does not belong to the document", which means the same thing.
        """

        def replaced(_driver):
            try:
                page.is_enabled()
                return False
            except StaleElementReferenceException:
                return True
            except WebDriverException as error:
                if "does not belong to the document" in str(error) or "No node with given id" in str(error):
                    return True
                raise

        WebDriverWait(self.driver, 10).until(replaced)

    def cookie(self, name):
        cookie = self.driver.get_cookie(name)
        return cookie["value"] if cookie else None

    def screenshot(self, name):
        path = os.path.join(ARTIFACTS, name + ".png")
        self.driver.save_screenshot(path)
        self.shots.append(path)

    def expect_login_form(self, location):
        expect(self.location() == location, f"expected {location}, at {self.location()}")
        expect(self.driver.find_elements(By.CSS_SELECTOR, "form[action='/login']"), "no sign-in form on the page")
        expect("Sign in" in self.driver.find_element(By.TAG_NAME, "h1").text, "the heading is not 'Sign in'")

    def expect_signed_in(self):
        expect(self.location() == "/", f"expected /, at {self.location()}")
        expect(f"Signed in as {USERNAME}" in self.text(), "the page does not show the username")
        self.expect_no_secrets()

    def expect_no_secrets(self):
        """No token and no password in the page's HTML."""
        source = self.driver.page_source
        expect(PASSWORD not in source, "the password is in the page")
        for name in ("access_token_cookie", "refresh_token_cookie"):
            value = self.cookie(name)
            expect(not value or value not in source, f"the {name} token is in the page")


def main():
    # Stopped by the test (SIGTERM): unwind, so that the browser is quit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.makedirs(ARTIFACTS, exist_ok=True)
    status, _ = api("POST", "/auth/register", {"username": USERNAME, "password": PASSWORD})
    expect(status == 201, f"registering {USERNAME} gave {status}")
    browser = Browser()
    passed, failed = 0, 0
    steps = []

    def step(function):
        steps.append(function)
        return function

    @step
    def visiting_home_lands_on_the_login_form():
        browser.open("/")
        browser.expect_login_form("/login?next=/")
        fits = browser.driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        expect(fits, f"the page is wider than a {PHONE[0]} px phone screen")
        browser.screenshot("01-login-form")

    @step
    def a_wrong_password_shows_an_error():
        browser.submit({"username": USERNAME, "password": "not the password"})
        expect("Bad username or password" in browser.text(), "no error message after a wrong password")
        expect("not the password" not in browser.driver.page_source, "the wrong password is in the page")
        expect(browser.cookie("access_token_cookie") is None, "a wrong password set a cookie")
        browser.screenshot("02-wrong-password")

    @step
    def the_right_password_shows_the_signed_in_page():
        browser.submit({"username": USERNAME, "password": PASSWORD})
        browser.expect_signed_in()
        access = browser.driver.get_cookie("access_token_cookie")
        expect(access and access["httpOnly"], "the access token cookie is missing or not HttpOnly")
        csrf = browser.driver.get_cookie("csrf_access_token")
        expect(csrf and not csrf["httpOnly"], "the CSRF cookie is missing or HttpOnly")
        browser.screenshot("03-signed-in")
        browser.driver.set_window_size(1280, 800)
        browser.screenshot("03-signed-in-desktop")
        browser.driver.set_window_size(*PHONE)

    @step
    def reloading_keeps_the_session():
        browser.reload()
        browser.expect_signed_in()
        browser.screenshot("04-reloaded")

    @step
    def implicit_refresh_outlives_the_access_token():
        old = browser.cookie("access_token_cookie")
        # Real time must pass for a live server's token to expire: wait until the server says it has.
        deadline = time.monotonic() + ACCESS_TTL + 10
        while True:
            status, body = api("GET", "/api/protected", token=old)
            if status == 401 or time.monotonic() > deadline:
                break
            time.sleep(0.25)
        expect(status == 401 and body["error"] == "token_expired", f"the old access token should have expired: {status} {body}")
        browser.reload()
        browser.expect_signed_in()
        new = browser.cookie("access_token_cookie")
        expect(new and new != old, "no new access token cookie after the old one expired")
        status, _ = api("GET", "/api/protected", token=new)
        expect(status == 200, f"the re-issued access token is refused: {status}")
        browser.screenshot("05-after-access-token-expiry")

    @step
    def signing_out_returns_to_the_login_page():
        browser.submit({}, button="form[action='/logout'] button")
        browser.expect_login_form("/login")
        expect(browser.cookie("access_token_cookie") is None, "the access token cookie survived sign-out")
        browser.open("/")
        browser.expect_login_form("/login?next=/")
        browser.screenshot("06-signed-out")

    @step
    def logout_all_sends_a_second_tab_to_the_login_page():
        browser.submit({"username": USERNAME, "password": PASSWORD})
        browser.expect_signed_in()
        first = browser.driver.current_window_handle
        browser.driver.switch_to.new_window("tab")
        browser.open("/")
        browser.expect_signed_in()
        browser.screenshot("07-second-tab-signed-in")
        status, body = api("POST", "/auth/logout-all", token=browser.cookie("access_token_cookie"))
        expect(status == 204, f"logout-all gave {status} {body}")
        browser.reload()
        browser.expect_login_form("/login?next=/")
        browser.screenshot("08-second-tab-after-logout-all")
        browser.driver.switch_to.window(first)
        browser.reload()
        browser.expect_login_form("/login?next=/")

    @step
    def registering_from_the_login_page_signs_in():
        browser.driver.find_element(By.LINK_TEXT, "Create one").click()
        WebDriverWait(browser.driver, 10).until(lambda driver: urlsplit(driver.current_url).path == "/register")
        expect("Create an account" in browser.text(), "the registration page has no heading")
        browser.screenshot("09-register")
        browser.submit({"username": "<b>bob</b>", "password": PASSWORD})
        expect(browser.location() == "/", f"expected / after registering, at {browser.location()}")
        expect("Signed in as <b>bob</b>" in browser.text(), "the new account's page does not show its name as text")
        expect(not browser.driver.find_elements(By.CSS_SELECTOR, "strong b"), "the username became markup")
        browser.screenshot("09-registered")

    @step
    def errors_are_pages_not_json():
        browser.open("/no-such-page")
        expect("Page not found" in browser.driver.find_element(By.TAG_NAME, "h1").text, "no HTML page for a 404")
        expect('{"error"' not in browser.driver.page_source, "the 404 is JSON")
        browser.screenshot("10-not-found")

    try:
        for function in steps:
            name = function.__name__.replace("_", " ")
            started = time.monotonic()
            try:
                function()
            except Exception:
                failed += 1
                print(f"FAIL  {name}", flush=True)
                traceback.print_exc()
                try:
                    browser.screenshot("failed-" + function.__name__)
                except Exception:
                    pass
                break
            passed += 1
            print(f"ok    {name} ({time.monotonic() - started:.1f} s)", flush=True)
    finally:
        browser.driver.quit()
    print(f"screenshots: {', '.join(browser.shots)}")
    print(f"browser: {passed} passed, {failed} failed")
    return 0 if failed == 0 and passed == len(steps) else 1


if __name__ == "__main__":
    sys.exit(main())
