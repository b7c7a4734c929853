// How a selection reaches the server, chosen per restaurant from the feature flag
// use-new-manual-assignment-flow (GET /api/staff/me reports it per membership): the session
// calls when it is on, the legacy validate / hold / confirm calls when it is off. Both flows
// answer in the session's shape ({id, bookingId, status, proposedTables, holdExpiresAt, checks,
// updatedAt}), so the rest of the page never asks which one runs.
//
// A flow: readContext(bookingId) -> the floor plan; select(bookingId, tableIds, current),
// release(session), confirm(session), read(session) -> the session as the server now has it.
import { api } from "./api.js";
import { legacyFlow } from "./legacy-flow.js";
import { state } from "./state.js";

export const FLAG = "use-new-manual-assignment-flow";

const sessionFlow = {
  name: "session",
  readContext: (bookingId) => api.context(bookingId),
  select: (bookingId, tableIds) => api.hold(bookingId, tableIds),
  release: (session) => api.cancel(session.id),
  confirm: (session) => api.confirm(session.id),
  read: (session) => api.session(session.id),
};

const FLOWS = { session: sessionFlow, legacy: legacyFlow };

// The flow for a restaurant: its membership's flags, else the caller's; on unless said off.
export function flowNameFor(membership, me) {
  const flags = (membership && membership.flags) || (me && me.flags) || {};
  return flags[FLAG] === false ? "legacy" : "session";
}

export const flow = () => FLOWS[state.flow] || sessionFlow;
