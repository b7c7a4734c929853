// The floor plan of the open booking's window: placed tables scaled to fit, a list for the
// unplaced ones, the session bar. Table elements are kept by table id and updated in place, so
// the focus stays where the host left it.
import { answeredSelection, latestSelection, serverNow } from "./state.js";
import { blockerWords, byTableNumber, formatLeft, time } from "./words.js";

const tableElements = new Map();

export function renderFloorPlan(view, state, onToggle) {
  const context = state.context;
  view.hint.hidden = Boolean(state.bookingId && context);
  view.body.hidden = !(state.bookingId && context);
  if (!context || context.booking.id !== state.bookingId) {
    view.hint.textContent = state.bookingId ? "Loading the floor plan…" : "Choose a booking to see its floor plan.";
    return;
  }
  renderBooking(view, context);
  renderTables(view, state, context, onToggle);
  renderSession(view, state, context);
}

function renderBooking(view, context) {
  const b = context.booking;
  const zone = context.restaurant.timezone;
  set(view.booking, `${b.guestName || "(no name)"} · ${b.partySize} ${b.partySize === 1 ? "guest" : "guests"} · `
    + `${time(b.startAt, zone)}–${time(b.endAt, zone)} · ${b.status.replace("_", " ")}`);
}

function renderTables(view, state, context, onToggle) {
  const tables = [...context.tables].sort(byTableNumber);
  const placed = tables.filter((t) => t.position);
  const xs = placed.map((t) => t.position.x);
  const ys = placed.map((t) => t.position.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  view.floor.style.setProperty("--rows", String(placed.length ? maxY - minY + 1 : 0));
  view.floor.style.setProperty("--cols", String(placed.length ? maxX - minX + 1 : 1));
  view.floor.hidden = placed.length === 0;
  view.unplacedTitle.hidden = placed.length === tables.length;

  const selected = new Set(answeredSelection());
  const asked = new Set(latestSelection());
  const current = new Set(context.currentAssignment);
  const session = state.session;
  const seen = new Set();
  const order = { floor: [], unplaced: [] };
  for (const table of tables) {
    seen.add(table.id);
    let element = tableElements.get(table.id);
    if (!element) {
      element = document.createElement("button");
      element.type = "button";
      element.className = "table";
      element.dataset.tableId = table.id;
      element.innerHTML = '<span class="t-number"></span><span class="t-seats"></span><span class="t-state"></span>';
      element.addEventListener("click", () => onToggle(table.id));
      tableElements.set(table.id, element);
    }
    const where = table.position ? "floor" : "unplaced";
    order[where].push(element);
    if (table.position) {
      element.style.setProperty("--fx", String(maxX > minX ? (table.position.x - minX) / (maxX - minX) : 0.5));
      element.style.setProperty("--fy", String(maxY > minY ? (table.position.y - minY) / (maxY - minY) : 0.5));
    } else {
      element.style.removeProperty("--fx");
      element.style.removeProperty("--fy");
    }
    fillTable(element, table, context, session, selected.has(table.id), asked.has(table.id), current.has(table.id));
  }
  for (const [id, element] of tableElements) {
    if (!seen.has(id)) {
      element.remove();
      tableElements.delete(id);
    }
  }
  place(view.floor, order.floor);
  place(view.unplaced, order.unplaced);
}

// Put the elements in this order, moving only those out of place.
function place(container, elements) {
  let expected = container.firstElementChild;
  for (const element of elements) {
    if (element !== expected) container.insertBefore(element, expected);
    else expected = expected.nextElementSibling;
  }
  while (expected) {
    const next = expected.nextElementSibling;
    expected.remove();
    expected = next;
  }
}

function fillTable(element, table, context, session, selected, asked, current) {
  const zone = context.restaurant.timezone;
  let words;
  let mine = "";
  if (selected && session.status === "HELD") {
    words = `Held by you · until ${time(session.holdExpiresAt, zone)}`;
    mine = "held";
  } else if (selected) {
    words = `Selected, not held · ${blockerWords(table.state, table.blocker, context)}`;
    mine = "selected";
  } else if (current) {
    words = "Assigned to this booking";
    mine = "assigned";
  } else {
    words = blockerWords(table.state, table.blocker, context);
  }
  const pending = asked !== selected;
  const seats = `${table.capacity} ${table.capacity === 1 ? "seat" : "seats"}`;
  set(element.querySelector(".t-number"), table.tableNumber);
  set(element.querySelector(".t-seats"), seats);
  set(element.querySelector(".t-state"), pending ? `${words} · sending…` : words);
  element.dataset.state = table.state;
  element.dataset.mine = mine;
  element.toggleAttribute("data-pending", pending);
  element.setAttribute("aria-pressed", selected ? "true" : "false");
  const unavailable = table.state !== "free" && !selected && !current;
  if (unavailable) element.setAttribute("aria-disabled", "true");
  else element.removeAttribute("aria-disabled");
  element.setAttribute("aria-label", `Table ${table.tableNumber}, ${seats}, ${words}${pending ? ", sending" : ""}`);
}

function renderSession(view, state, context) {
  const session = state.session;
  const status = session ? session.status : "";
  const expired = status === "HELD" && Date.parse(session.holdExpiresAt) <= serverNow();
  view.status.dataset.sessionStatus = status;
  set(view.status, status ? (expired ? "HELD (expired)" : status) : "none");
  if (status === "HELD") {
    set(view.countdown, expired ? "Hold expired" : `${formatLeft(Date.parse(session.holdExpiresAt) - serverNow())} left`);
  } else {
    set(view.countdown, "");
  }
  const busy = Boolean(state.sent);
  view.confirm.disabled = !(status === "HELD" && !expired) || busy || Boolean(state.queued);
  view.cancel.disabled = !(status === "HELD" || status === "PROPOSED");
  view.feedback.dataset.tone = state.feedback.tone;
  const text = state.feedback.lines.join("\n");
  if (view.feedback.dataset.text !== text) {
    view.feedback.dataset.text = text;
    view.feedback.replaceChildren(...state.feedback.lines.map((line) => {
      const p = document.createElement("p");
      p.textContent = line;
      if (line.startsWith("Warning:")) p.className = "warning";
      return p;
    }));
  }
}

function set(element, text) {
  if (element.textContent !== text) element.textContent = text;
}
