#!/usr/bin/env python3
"""CORS of `jwt-auth serve` in headless Chromium: a page on the listed origin logs in with fetch() and
credentials, a page on another origin is refused by the browser.

Run by Tests/JWTAuthCLITests/CORSBrowserTests.swift, which starts the server with
JWT_AUTH_CORS_ORIGINS=http://127.0.0.1:APP_PORT. Reads JWT_AUTH_URL (the server), JWT_AUTH_APP_PORT (where
this script serves the app's page) and JWT_AUTH_CHROMEDRIVER. The same page at http://localhost:APP_PORT is
another origin. Prints one line per step, then "cors: N passed, N failed".
"""

import http.server
import json
import os
import shutil
import sys
import threading
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

SERVER = os.environ["JWT_AUTH_URL"].rstrip("/")
APP_PORT = int(os.environ["JWT_AUTH_APP_PORT"])
CHROMEDRIVER = os.environ["JWT_AUTH_CHROMEDRIVER"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"

PAGE = b"<!doctype html><title>app</title><p>app</p>"
LOGIN = """
const done = arguments[arguments.length - 1];
fetch(arguments[0] + "/auth/login", {method: "POST", credentials: "include",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify({username: "corinna", password: "correct horse battery"})})
  .then(async r => done({status: r.status, token: (await r.json()).access_token ? "yes" : "no"}))
  .catch(e => done({error: String(e)}));
"""


class Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


def main():
    app = http.server.ThreadingHTTPServer(("127.0.0.1", APP_PORT), Page)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    request = urllib.request.Request(SERVER + "/auth/register", method="POST",
        data=json.dumps({"username": "corinna", "password": "correct horse battery"}).encode(),
        headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=30).read()

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(30)
    passed = failed = 0
    try:
        for origin, allowed in ((f"http://127.0.0.1:{APP_PORT}", True), (f"http://localhost:{APP_PORT}", False)):
            driver.get(origin + "/")
            result = driver.execute_async_script(LOGIN, SERVER)
            ok = (result.get("status") == 200 and result.get("token") == "yes") if allowed else ("error" in result)
            print(f"{'ok' if ok else 'FAILED'}: fetch from {origin} ({'allowed' if allowed else 'refused'}): {result}")
            passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
    finally:
        driver.quit()
        app.shutdown()
    print(f"cors: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
