"""The API docs render offline (DESIGN §13): Swagger UI, served by the app, reads the OpenAPI
document and lists the operations, without a request leaving the machine."""

from urllib.parse import urlsplit


def test_the_api_docs_render_every_operation_offline(browser, server):
    context = browser.new_context()
    try:
        page = context.new_page()
        hosts: set[str] = set()
        page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or ""))
        page.goto(f"{server.url}/schema")
        page.wait_for_selector("#operations-manual_assignment-createSessionHold", timeout=10_000)
        assert page.get_by_text("Unable to render this definition").count() == 0
        assert hosts == {urlsplit(server.url).hostname}
    finally:
        context.close()
