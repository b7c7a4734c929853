// The staff page: sign-in, the day view, the floor plan and live updates, wired together.
// State lives in state.js; the page is rendered from it (bookings.js, floorplan.js).
import { api, ApiError, token } from "./api.js";
import { renderAutoAssign, seatTheRest } from "./autoassign.js";
import { renderBookings } from "./bookings.js";
import { subscribe } from "./events.js";
import { flow, flowNameFor } from "./flows.js";
import { renderFloorPlan } from "./floorplan.js";
import { cancelSession, confirmSession, reconcileSession, refreshSession, selectTables, toggleTable } from "./session.js";
import { onRender, serverNow, state, update } from "./state.js";
import { renderSuggestions } from "./suggestions.js";
import { localDate } from "./words.js";

const $ = (id) => document.getElementById(id);
const view = {
  signIn: $("sign-in"), signInForm: $("sign-in-form"), tokenInput: $("token-input"), signInError: $("sign-in-error"),
  workspace: $("workspace"), dayControls: $("day-controls"), user: $("user"), staffName: $("staff-name"),
  restaurant: $("restaurant"), restaurantLabel: $("restaurant-label"), restaurantName: $("restaurant-name"),
  date: $("date"), bookings: $("bookings"), bookingsEmpty: $("bookings-empty"), liveState: $("live-state"),
  hint: $("plan-hint"), body: $("plan-body"), booking: $("plan-booking"), status: $("session-status"),
  countdown: $("countdown"), confirm: $("confirm"), cancel: $("cancel"), feedback: $("feedback"),
  floor: $("floor"), unplaced: $("unplaced"), unplacedTitle: $("unplaced-title"), flowNote: $("flow-note"),
  suggestionsNote: $("suggestions-note"), suggestionList: $("suggestion-list"),
  autoAssign: $("auto-assign"), seatRest: $("seat-rest"), autoResults: $("auto-results"),
};

const SUGGESTIONS = 3;

// --- rendering ---------------------------------------------------------------------------------

onRender((s) => {
  const signedIn = Boolean(s.me);
  view.signIn.hidden = signedIn;
  view.workspace.hidden = !signedIn;
  view.dayControls.hidden = !signedIn;
  view.user.hidden = !signedIn;
  view.signInError.textContent = s.signInError;
  if (!signedIn) return;
  view.staffName.textContent = s.me.displayName;
  const memberships = s.me.memberships;
  view.restaurantLabel.hidden = memberships.length < 2;
  view.restaurantName.hidden = memberships.length >= 2;
  const membership = memberships.find((m) => m.restaurantId === s.restaurantId);
  view.restaurantName.textContent = membership ? membership.restaurantName : "No restaurant";
  if (view.restaurant.options.length !== memberships.length) {
    view.restaurant.replaceChildren(...memberships.map((m) => new Option(m.restaurantName, m.restaurantId)));
  }
  if (s.restaurantId && view.restaurant.value !== s.restaurantId) view.restaurant.value = s.restaurantId;
  if (s.date && view.date.value !== s.date) view.date.value = s.date;
  view.liveState.textContent = s.bookingsError || { live: "Live: changes appear as they happen.",
    connecting: "Connecting to live updates…", reconnecting: "Reconnecting to live updates…" }[s.live];
  renderBookings(view.bookings, view.bookingsEmpty, s, openBooking);
  renderAutoAssign(view, s);
  renderFloorPlan(view, s, toggleTable);
  view.flowNote.hidden = s.flow !== "legacy";
  renderSuggestions(view, s, selectTables);
});

// --- loading -------------------------------------------------------------------------------------

// Reads that live updates repeat: at most one in flight each, and one more after it when a change
// arrived meanwhile, so a burst of events costs two reads, and an older answer never lands last.
function coalesced(read) {
  let running = false;
  let again = false;
  return async function run() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await read();
      } while (again);
    } finally {
      running = false;
    }
  };
}

const loadBookings = coalesced(async () => {
  const { restaurantId, date } = state;
  if (!restaurantId || !date) return;
  try {
    const { bookings } = await api.bookings(restaurantId, date);
    if (state.restaurantId === restaurantId && state.date === date) update({ bookings, bookingsError: "" });
  } catch (error) {
    handleReadError(error, (message) => update({ bookingsError: message }));
  }
});

let expiryTimer = null;
const loadContext = coalesced(async () => {
  const bookingId = state.bookingId;
  if (!bookingId) return;
  try {
    const context = await flow().readContext(bookingId);
    if (state.bookingId !== bookingId) return;
    update({ context });
    reconcileSession(context.session);
    scheduleExpiryRefresh(context);
  } catch (error) {
    handleReadError(error, (message) => update({ feedback: { tone: "error", lines: [message] } }));
  }
});

// The suggestions change with the plan: read again whenever it is.
const loadSuggestions = coalesced(async () => {
  const bookingId = state.bookingId;
  if (!bookingId) return;
  try {
    const { suggestions } = await api.suggestions(bookingId, SUGGESTIONS);
    if (state.bookingId === bookingId) update({ suggestions: { bookingId, list: suggestions, error: "" } });
  } catch (error) {
    handleReadError(error, (message) => {
      if (state.bookingId === bookingId) update({ suggestions: { bookingId, list: null, error: message } });
    });
  }
});

function loadPlan() {
  loadContext();
  loadSuggestions();
}

// Another host's hold ends at its expiry without any write: look again then.
function scheduleExpiryRefresh(context) {
  clearTimeout(expiryTimer);
  const expiries = context.tables.filter((t) => t.state === "held" && t.blocker && t.blocker.expiresAt)
    .map((t) => Date.parse(t.blocker.expiresAt));
  if (expiries.length === 0) return;
  const wait = Math.max(0, Math.min(...expiries) - serverNow()) + 50;
  expiryTimer = setTimeout(loadPlan, wait);
}

function handleReadError(error, show) {
  if (error instanceof ApiError && error.status === 401) {
    signOut("Your sign-in is no longer valid: sign in again.");
    return;
  }
  show(error.message);
}

// --- live updates --------------------------------------------------------------------------------

let unsubscribe = null;
function connect(restaurantId) {
  if (unsubscribe) unsubscribe();
  update({ live: "connecting" });
  unsubscribe = subscribe(restaurantId, {
    onStatus: (live) => update({ live }),
    onReady: () => { loadBookings(); loadPlan(); },
    onChange: (kind, change) => {
      loadPlan();
      if (kind === "booking" || kind === "resync" || (kind === "ledger" && (change.ledgerKinds || []).includes("assignment"))
          || change.truncated) {
        loadBookings();
      }
    },
  });
}

// --- actions -------------------------------------------------------------------------------------

function openBooking(bookingId) {
  if (bookingId === state.bookingId) return;
  update({ bookingId, context: null, suggestions: null, session: null, sent: null, queued: null,
           feedback: { tone: "info", lines: [] } });
  const url = new URL(location.href);
  url.searchParams.set("booking", bookingId);
  history.replaceState(null, "", url.pathname + url.search);
  loadPlan();
}

function chooseRestaurant(restaurantId) {
  if (restaurantId === state.restaurantId) return;
  const membership = state.me.memberships.find((m) => m.restaurantId === restaurantId);
  const flowName = flowNameFor(membership, state.me);
  // Another flow: the open plan was read through the other one (the legacy one needs its contextVersion).
  if (flowName !== state.flow) update({ flow: flowName, context: null });
  update({ restaurantId, bookings: [], autoAssign: null,
           date: state.date || localDate(new Date(), membership.timezone) });
  connect(restaurantId);
}

async function signIn() {
  try {
    const me = await api.me();
    update({ me, signInError: "" });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) token.clear();
    update({ me: null, signInError: error.status === 401 ? "That token is not valid (any more): ask a manager for a new one." : error.message });
    return;
  }
  const wanted = new URL(location.href).searchParams.get("booking");
  if (wanted) {
    try {
      // Only to learn the booking's restaurant and day: the plan is read again through the
      // restaurant's flow once it is chosen.
      const context = await api.context(wanted);
      update({ bookingId: wanted, context, date: localDate(new Date(context.booking.startAt), context.restaurant.timezone) });
      reconcileSession(context.session);
      chooseRestaurant(context.restaurant.id);
      return;
    } catch (error) {
      update({ feedback: { tone: "error", lines: [`That booking cannot be opened: ${error.message}`] } });
    }
  }
  const first = state.me.memberships[0];
  if (first) chooseRestaurant(first.restaurantId);
}

function signOut(message = "") {
  token.clear();
  if (unsubscribe) unsubscribe();
  unsubscribe = null;
  update({ me: null, signInError: message, restaurantId: null, flow: "session", bookings: [], bookingId: null,
           context: null, suggestions: null, session: null, sent: null, queued: null, autoAssign: null,
           feedback: { tone: "info", lines: [] } });
}

// --- wiring --------------------------------------------------------------------------------------

view.signInForm.addEventListener("submit", (event) => {
  event.preventDefault();
  token.set(view.tokenInput.value.trim());
  view.tokenInput.value = "";
  signIn();
});
$("sign-out").addEventListener("click", () => signOut());
view.restaurant.addEventListener("change", () => chooseRestaurant(view.restaurant.value));
view.date.addEventListener("change", () => {
  if (view.date.value) {
    update({ date: view.date.value, bookings: [] });
    loadBookings();
  }
});
view.confirm.addEventListener("click", confirmSession);
view.cancel.addEventListener("click", cancelSession);
view.seatRest.addEventListener("click", () => seatTheRest(() => { loadBookings(); loadPlan(); }));
window.addEventListener("seating:confirmed", () => { loadBookings(); loadPlan(); });
window.addEventListener("seating:signed-out", () => signOut("Your sign-in is no longer valid: sign in again."));

// The countdown: a tick every 250 ms while a hold shows; at zero the server is asked again.
setInterval(() => {
  const session = state.session;
  if (!session || session.status !== "HELD") return;
  update({ now: Date.now() });
  if (Date.parse(session.holdExpiresAt) <= serverNow()) refreshSession();
}, 250);

// Sign-in by link: /staff#token=... (the fragment never reaches the server); then drop it from
// the address bar so it is not bookmarked or shared by accident.
const fragment = new URLSearchParams(location.hash.slice(1));
if (fragment.get("token")) {
  token.set(fragment.get("token"));
  history.replaceState(null, "", location.pathname + location.search);
}
if (token.get()) {
  signIn();
} else {
  update({});
}
