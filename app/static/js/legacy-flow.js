// The legacy three-step flow (DESIGN §13), for restaurants where the feature flag is off:
// GET /api/staff/manual/context (the plan and its contextVersion), then on each selection
// POST /api/staff/manual/validate and POST /api/staff/manual/hold, Confirm as
// POST /api/staff/manual/confirm, Cancel as DELETE /api/staff/manual/hold. Its answers are put in
// the session's shape (a legacy hold is a session underneath: holdId is its id). A stale
// contextVersion (409 STALE_CONTEXT) re-reads the context and tries once more.
import { api, ApiError } from "./api.js";
import { state, update } from "./state.js";

// The server's clock now, as last measured (answers without a timestamp of their own).
const serverTime = () => new Date(Date.now() - state.clockSkewMs).toISOString();

function readContext(bookingId) {
  return api.legacy.context(bookingId);
}

// The contextVersion of the plan on screen for this booking (read when there is none).
async function shownVersion(bookingId) {
  const context = state.context;
  if (context && context.booking.id === bookingId && context.contextVersion) return context.contextVersion;
  return (await readContext(bookingId)).contextVersion;
}

async function withFreshContext(bookingId, step) {
  try {
    return await step(await shownVersion(bookingId));
  } catch (error) {
    if (!(error instanceof ApiError && error.code === "STALE_CONTEXT")) throw error;
    const context = await readContext(bookingId);
    if (state.bookingId === bookingId) update({ context }); // the plan on screen is the one checked
    return step(context.contextVersion);
  }
}

function sessionOf(fields) {
  return { id: null, status: "PROPOSED", proposedTables: [], holdExpiresAt: null, checks: [], updatedAt: serverTime(), ...fields };
}

// A selection that fails a check holds nothing, as in the session flow: the previous hold goes.
async function notHeld(bookingId, tableIds, checks, current) {
  if (current && current.id && current.status === "HELD") await api.legacy.release(current.id);
  return sessionOf({ bookingId, status: "PROPOSED", proposedTables: tableIds, checks });
}

export const legacyFlow = {
  name: "legacy",
  readContext,

  async select(bookingId, tableIds, current) {
    const validation = await withFreshContext(bookingId, (version) => api.legacy.validate(bookingId, tableIds, version));
    if (!validation.valid) return notHeld(bookingId, tableIds, validation.checks, current);
    let hold;
    try {
      hold = await withFreshContext(bookingId, (version) => api.legacy.hold(bookingId, tableIds, version));
    } catch (error) {
      // Taken between validate and hold: the hold's own checks say by whom.
      if (error instanceof ApiError && error.code === "VALIDATION_FAILED") {
        return notHeld(bookingId, tableIds, error.details.checks || [], current);
      }
      throw error;
    }
    return sessionOf({ id: hold.holdId, bookingId, status: "HELD", proposedTables: hold.tableIds,
                       holdExpiresAt: hold.expiresAt, checks: hold.checks });
  },

  async release(session) {
    // A selection that only failed validation has nothing on the server to release.
    const released = session.id ? await api.legacy.release(session.id) : { status: "CANCELLED" };
    return sessionOf({ id: session.id, bookingId: session.bookingId, status: released.status });
  },

  async confirm(session) {
    const done = await withFreshContext(session.bookingId, (version) => api.legacy.confirm(session.id, version));
    return sessionOf({ id: done.holdId, bookingId: done.bookingId, status: "CONFIRMED", proposedTables: done.tableIds,
                       updatedAt: done.assignedAt, assignment: { tableIds: done.tableIds, assignedBy: done.assignedBy,
                                                                 assignedAt: done.assignedAt } });
  },

  // The legacy API has no session read: the context lists the caller's live hold, if any.
  async read(session) {
    if (!session.id) return session;
    const context = await readContext(session.bookingId);
    if (context.session && context.session.id === session.id) return context.session;
    const ranOut = session.holdExpiresAt && Date.parse(session.holdExpiresAt) <= Date.now() - state.clockSkewMs;
    return sessionOf({ id: session.id, bookingId: session.bookingId, status: ranOut ? "EXPIRED" : "CANCELLED" });
  },
};
