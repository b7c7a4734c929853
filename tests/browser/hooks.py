"""What the browser tests look at: the page's contract hooks (data-table-id, data-state,
aria-pressed, data-session-status) and nothing else. Waits are DOM conditions with generous
timeouts, never fixed sleeps."""

LIVE = 5_000  # ms: a generous ceiling for a live change to reach the other page (it takes ~ms)


def table(page, floor, number):
    return page.locator(f'[data-table-id="{floor.tables[number]}"]')


def wait_state(page, floor, number, state):
    page.wait_for_function(
        '([id, state]) => document.querySelector(`[data-table-id="${id}"]`)?.dataset.state === state',
        arg=[str(floor.tables[number]), state],
        polling=20,
        timeout=LIVE,
    )


def wait_status(page, status):
    page.wait_for_selector(f'[data-session-status="{status}"]')


def pressed(page):
    return set(
        page.eval_on_selector_all('[data-table-id][aria-pressed="true"]', "els => els.map(e => e.dataset.tableId)")
    )
