// The day view: one row per booking of the restaurant's local day. Rows are kept by booking id
// and updated in place, so a live update never moves the keyboard focus.
import { time } from "./words.js";

const STATUS_WORDS = {
  pending: "Pending", pending_allocation: "Needs reallocation", confirmed: "Confirmed", checked_in: "Seated",
  completed: "Completed", cancelled: "Cancelled", no_show: "No-show",
};

export function renderBookings(list, empty, state, onOpen) {
  const zone = zoneOf(state);
  const rows = new Map([...list.children].map((row) => [row.dataset.bookingId, row]));
  const wanted = state.bookings.map((b) => b.id);
  for (const [id, row] of rows) if (!wanted.includes(id)) row.remove();
  let previous = null;
  for (const booking of state.bookings) {
    let row = rows.get(booking.id);
    if (!row) {
      row = document.createElement("li");
      row.dataset.bookingId = booking.id;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "booking";
      button.addEventListener("click", () => onOpen(booking.id));
      button.innerHTML = '<span class="b-time"></span><span class="b-party"></span><span class="b-guest"></span>'
        + '<span class="b-status"></span><span class="b-tables"></span>';
      row.append(button);
    }
    // Keep the order without moving rows that are already in place (moving would drop focus).
    const expectedPosition = previous ? previous.nextElementSibling : list.firstElementChild;
    if (expectedPosition !== row) list.insertBefore(row, expectedPosition);
    previous = row;
    fill(row, booking, zone, state.bookingId === booking.id);
  }
  empty.hidden = state.bookings.length > 0 || Boolean(state.bookingsError);
}

function zoneOf(state) {
  const membership = state.me && state.me.memberships.find((m) => m.restaurantId === state.restaurantId);
  return membership ? membership.timezone : "UTC";
}

function fill(row, booking, zone, open) {
  const button = row.firstElementChild;
  const count = booking.tableNumbers.length;
  const tables = count ? `${count === 1 ? "Table" : "Tables"} ${booking.tableNumbers.join(", ")}` : "No tables";
  const flag = booking.needsTables ? "Needs tables" : booking.assignmentIssues.length ? "Check tables" : "";
  set(button.querySelector(".b-time"), `${time(booking.startAt, zone)}–${time(booking.endAt, zone)}`);
  set(button.querySelector(".b-party"), `${booking.partySize} ${booking.partySize === 1 ? "guest" : "guests"}`);
  set(button.querySelector(".b-guest"), booking.guestName || "(no name)");
  set(button.querySelector(".b-status"), STATUS_WORDS[booking.status] || booking.status);
  set(button.querySelector(".b-tables"), flag ? `${tables} · ${flag}` : tables);
  row.dataset.status = booking.status;
  row.toggleAttribute("data-needs-tables", booking.needsTables);
  button.classList.toggle("needs-tables", booking.needsTables || booking.assignmentIssues.length > 0);
  if (open) button.setAttribute("aria-current", "true");
  else button.removeAttribute("aria-current");
  button.title = booking.assignmentIssues.map((i) => i.message).join("\n");
}

function set(element, text) {
  if (element.textContent !== text) element.textContent = text;
}
