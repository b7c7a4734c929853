// The API client: the bearer token (kept in sessionStorage) and one function per route.
const TOKEN_KEY = "seating.staffToken";

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

async function call(method, path, body) {
  const headers = { Authorization: `Bearer ${token.get() || ""}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, "OFFLINE", "The server cannot be reached; retrying helps once it is back.");
  }
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = payload.error || {};
    throw new ApiError(response.status, error.code || "UNAVAILABLE", error.message || response.statusText, error.details);
  }
  return payload;
}

const id = encodeURIComponent;

export const api = {
  me: () => call("GET", "/api/staff/me"),
  bookings: (restaurantId, date) =>
    call("GET", `/api/staff/restaurants/${id(restaurantId)}/bookings?date=${id(date)}`),
  context: (bookingId) => call("GET", `/api/staff/bookings/${id(bookingId)}/assignment-context`),
  hold: (bookingId, tableIds) => call("POST", "/api/staff/manual/session", { bookingId, tableIds }),
  session: (sessionId) => call("GET", `/api/staff/manual/session/${id(sessionId)}`),
  confirm: (sessionId) => call("PUT", `/api/staff/manual/session/${id(sessionId)}/confirm`),
  cancel: (sessionId) => call("DELETE", `/api/staff/manual/session/${id(sessionId)}`),
  eventTicket: (restaurantId) => call("POST", `/api/staff/restaurants/${id(restaurantId)}/event-tickets`),
  suggestions: (bookingId, limit) => call("GET", `/api/staff/bookings/${id(bookingId)}/suggestions?limit=${id(limit)}`),
  autoAssignPending: (restaurantId, from, to) =>
    call("POST", `/api/staff/restaurants/${id(restaurantId)}/auto-assign`, { from, to }),
  // The legacy three-step flow (DESIGN §13), for restaurants where the feature flag is off.
  legacy: {
    context: (bookingId) => call("GET", `/api/staff/manual/context?bookingId=${id(bookingId)}`),
    validate: (bookingId, tableIds, contextVersion) =>
      call("POST", "/api/staff/manual/validate", { bookingId, tableIds, contextVersion }),
    hold: (bookingId, tableIds, contextVersion) =>
      call("POST", "/api/staff/manual/hold", { bookingId, tableIds, contextVersion }),
    confirm: (holdId, contextVersion) => call("POST", "/api/staff/manual/confirm", { holdId, contextVersion }),
    release: (holdId) => call("DELETE", `/api/staff/manual/hold?holdId=${id(holdId)}`),
  },
};
