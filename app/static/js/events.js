// The restaurant's live event stream (Server-Sent Events). EventSource cannot send the bearer
// token, so each connection uses a fresh single-use ticket; when a stream fails or ends, a new
// ticket opens a new one. Every (re)opened stream starts with `ready`: the page refetches then,
// because changes made while it was not connected are not replayed.
import { api } from "./api.js";

const CHANGE_EVENTS = ["ledger", "session", "booking", "table", "resync"];

export function subscribe(restaurantId, { onReady, onChange, onStatus }) {
  let source = null;
  let stopped = false;
  let retryMs = 500;
  let timer = null;

  const reopen = () => {
    if (source) source.close();
    source = null;
    if (stopped) return;
    onStatus("reconnecting");
    timer = setTimeout(open, retryMs);
    retryMs = Math.min(retryMs * 2, 10000);
  };

  async function open() {
    if (stopped) return;
    let ticket;
    try {
      ({ ticket } = await api.eventTicket(restaurantId));
    } catch (error) {
      reopen();
      return;
    }
    if (stopped) return;
    source = new EventSource(`/api/staff/restaurants/${encodeURIComponent(restaurantId)}/events?ticket=${encodeURIComponent(ticket)}`);
    source.addEventListener("ready", () => {
      retryMs = 500;
      onStatus("live");
      onReady();
    });
    for (const name of CHANGE_EVENTS) {
      source.addEventListener(name, (event) => onChange(name, JSON.parse(event.data)));
    }
    // `dropped`, a server restart or a network error: the ticket is used up, so never let
    // EventSource retry the same URL.
    source.addEventListener("dropped", reopen);
    source.onerror = reopen;
  }

  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    if (source) source.close();
  };
}
