// "Seat the rest automatically": every open booking of the shown local day without tables,
// seated by POST /api/staff/restaurants/{id}/auto-assign over the day's bounds (each with its UTC
// offset), then the outcome per booking in words. Errors (a 503 included) show inline.
import { api, ApiError } from "./api.js";
import { state, update } from "./state.js";
import { dayBounds, time } from "./words.js";

// The roles DESIGN §12 lets auto-assign (the SQL permission map's auto_assign action), so the
// button shows to everyone the server lets use it, and to no one it would refuse.
const MAY_AUTO_ASSIGN = new Set(["owner", "manager", "host"]);

function membershipOf(s) {
  return s.me ? s.me.memberships.find((m) => m.restaurantId === s.restaurantId) : null;
}

export function mayAutoAssign(s) {
  const membership = membershipOf(s);
  return Boolean(membership && MAY_AUTO_ASSIGN.has(membership.role));
}

export async function seatTheRest(onDone) {
  const { restaurantId, date } = state;
  const membership = membershipOf(state);
  if (!membership || !date || (state.autoAssign && state.autoAssign.running)) return;
  const { from, to } = dayBounds(date, membership.timezone);
  update({ autoAssign: { running: true, restaurantId, date, results: null, error: "" } });
  let outcome;
  try {
    const { results } = await api.autoAssignPending(restaurantId, from, to);
    outcome = { results, error: "" };
  } catch (error) {
    outcome = { results: null, error: error.message };
    if (error instanceof ApiError && error.status === 401) window.dispatchEvent(new CustomEvent("seating:signed-out"));
  }
  update({ autoAssign: { running: false, restaurantId, date, ...outcome } });
  onDone();
}

export function renderAutoAssign(view, s) {
  const allowed = mayAutoAssign(s);
  view.autoAssign.hidden = !allowed;
  if (!allowed) return;
  const run = s.autoAssign && s.autoAssign.restaurantId === s.restaurantId && s.autoAssign.date === s.date
    ? s.autoAssign : null;
  view.seatRest.disabled = Boolean(run && run.running);
  view.seatRest.toggleAttribute("aria-busy", Boolean(run && run.running));
  let summary = "";
  let lines = [];
  if (run && run.running) summary = "Seating the open bookings of this day…";
  else if (run && run.error) summary = `Seat the rest failed: ${run.error}`;
  else if (run && run.results) {
    const seated = run.results.filter((r) => r.outcome === "assigned").length;
    summary = run.results.length === 0
      ? nothingToSeat(s.bookings)
      : `Seated ${seated} of ${run.results.length} ${run.results.length === 1 ? "booking" : "bookings"} automatically.`;
    lines = run.results.map((r) => describe(r, s, membershipOf(s)));
  }
  view.autoResults.dataset.tone = run && run.error ? "error" : "info";
  const text = [summary, ...lines.map((l) => l.text)].join("\n");
  if (view.autoResults.dataset.text === text) return;
  view.autoResults.dataset.text = text;
  const head = document.createElement("p");
  head.textContent = summary;
  const list = document.createElement("ul");
  list.replaceChildren(...lines.map((line) => {
    const item = document.createElement("li");
    item.dataset.outcome = line.outcome;
    item.textContent = line.text;
    return item;
  }));
  view.autoResults.replaceChildren(...(summary ? [head] : []), ...(lines.length ? [list] : []));
}

// A batch that found nothing to seat: no booking of the day waits for tables, though some may
// sit at tables that no longer fit them ("Check tables"), which only a host moves.
function nothingToSeat(bookings) {
  if (bookings.length === 0) return "Nothing to seat: this day has no bookings.";
  const check = bookings.filter((b) => !b.needsTables && b.assignmentIssues.length > 0).length;
  if (check === 0) return "Nothing to seat: no booking of this day is waiting for tables.";
  return `Nothing to seat automatically, but ${check === 1 ? "one booking is" : `${check} bookings are`} marked`
    + ` "Check tables": ${check === 1 ? "its tables no longer fit; move it" : "their tables no longer fit; move them"}`
    + " by hand.";
}

// "19:00 Grace Hopper, 6 guests: Seated at 7: …" or "…: Not seated: no free table seats 8."
function describe(result, s, membership) {
  const booking = s.bookings.find((b) => b.id === result.bookingId);
  const who = booking
    ? `${time(booking.startAt, membership.timezone)} ${booking.guestName || "(no name)"}, ${booking.partySize} `
      + `${booking.partySize === 1 ? "guest" : "guests"}`
    : "A booking";
  const what = result.outcome === "assigned" ? result.reason : `Not seated: ${result.reason}`;
  return { outcome: result.outcome, text: `${who}: ${what}` };
}
