import threading, time, re
from urllib.parse import urlparse
from werkzeug.serving import make_server
from playwright.sync_api import sync_playwright
from sim.dashboard.app import create_app
app = create_app(replications=2, months=6)
httpd = make_server("127.0.0.1", 0, app.server, threaded=True)
threading.Thread(target=httpd.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{httpd.server_port}/watch"
with sync_playwright() as p:
    b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless","--no-sandbox","--disable-gpu","--disable-background-networking"])
    page = b.new_page(viewport={"width": 1280, "height": 1400})
    page.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname in ("127.0.0.1","localhost") else r.abort())
    page.on("console", lambda m: print("CONSOLE", m.type, m.text[:300], flush=True))
    page.on("pageerror", lambda e: print("PAGEERROR", str(e)[:300], flush=True))
    page.goto(url)
    page.wait_for_function("() => document.querySelector('#viewer-status')?.innerText?.includes('records')", timeout=120000)
    page.click("#viewer-play")
    for _ in range(60):
        time.sleep(2); print(page.inner_text("#viewer-month-label"), page.evaluate("() => document.querySelector('#viewer-month') && 1"), flush=True)
        if int(re.search(r"\d+", page.inner_text("#viewer-month-label")).group()) >= 40: break
    page.click("#viewer-pause")
    time.sleep(2)
    print(page.inner_text("#viewer-month-label"), page.inner_text("#viewer-status"))
    page.screenshot(path="/work/notes/viewer.png", full_page=True)
    b.close()
httpd.shutdown()
