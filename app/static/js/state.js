// The page's state, in one place. Modules change it only through update(); every change
// schedules one render of the whole page from state (see app.js).
export const state = {
  me: null,              // GET /api/staff/me
  signInError: "",
  restaurantId: null,
  flow: "session",       // how selections reach the server there: "session" or "legacy" (flows.js)
  date: null,            // YYYY-MM-DD, the restaurant's local day
  bookings: [],          // GET .../bookings?date=
  bookingsError: "",
  bookingId: null,       // the booking whose floor plan is open
  context: null,         // its floor plan (the legacy flow's carries contextVersion)
  suggestions: null,     // GET .../suggestions of that booking: {bookingId, list, error}
  session: null,         // the caller's session for that booking, exactly as the server last answered
  sent: null,            // the selection (table ids) of the session call in flight, or null
  queued: null,          // the latest selection asked for while one was in flight, or null
  feedback: { tone: "info", lines: [] },
  autoAssign: null,      // "Seat the rest automatically": {running, date, results, error}
  live: "connecting",    // the event stream: connecting, live, reconnecting
  clockSkewMs: 0,        // this browser's clock minus the server's, measured on each answer
  now: Date.now(),       // ticks every 250 ms while a countdown shows
};

const renderers = [];
let scheduled = false;

export function onRender(render) {
  renderers.push(render);
}

export function update(patch) {
  Object.assign(state, patch);
  if (!scheduled) {
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      for (const render of renderers) render(state);
    });
  }
}

// The selection the next toggle starts from: the latest one asked for, else the server's.
export function latestSelection() {
  return state.queued ?? state.sent ?? answeredSelection();
}

// The selection as the server last answered it (only an active session has one).
export function answeredSelection() {
  const session = state.session;
  return session && (session.status === "HELD" || session.status === "PROPOSED") ? session.proposedTables : [];
}

export function serverNow() {
  return state.now - state.clockSkewMs;
}
