// The caller's session for the open booking. Each toggle sends the whole selection at once
// through the restaurant's flow (flows.js: the session call, or the legacy validate and hold).
// At most one call is in flight, so the server sees selections in the order they were made and
// its answers arrive in that order; a selection made while one is in flight waits (only the
// latest: it includes every earlier click) and goes as soon as the answer is in. The page shows
// only what the server answered (state.session).
import { ApiError } from "./api.js";
import { flow } from "./flows.js";
import { state, update, latestSelection } from "./state.js";
import { describeChecks, formatLeft } from "./words.js";

export function toggleTable(tableId) {
  if (!state.bookingId) return;
  const base = latestSelection();
  selectTables(base.includes(tableId) ? base.filter((id) => id !== tableId) : [...base, tableId]);
}

// A whole selection at once (a suggestion): the same path as a click, so the latest still wins.
export function selectTables(next) {
  if (!state.bookingId) return;
  if (state.sent) {
    update({ queued: next });
  } else {
    send(next);
  }
}

function isActive(session) {
  return session && (session.status === "HELD" || session.status === "PROPOSED");
}

async function send(selection) {
  const bookingId = state.bookingId;
  update({ sent: selection, queued: null });
  let answer = null;
  let problem = null;
  try {
    if (selection.length > 0) {
      answer = await flow().select(bookingId, selection, state.session);
    } else if (isActive(state.session)) {
      answer = await flow().release(state.session);
    }
  } catch (error) {
    problem = error;
  }
  if (state.bookingId !== bookingId) return; // another booking was opened meanwhile
  const queued = state.queued;
  update({ sent: null });
  if (answer) applyAnswer(answer, selection.length > 0 ? "hold" : "cancel");
  else if (problem) showProblem(problem);
  else update({ feedback: { tone: "info", lines: ["No tables selected."] } });
  if (queued) send(queued);
}

export function applyAnswer(session, action) {
  // updatedAt is the server's clock at the answer: enough to count down in its time.
  const skew = Date.now() - Date.parse(session.updatedAt);
  const patch = { session };
  if (action !== "read") patch.clockSkewMs = skew;
  update(patch);
  update({ feedback: feedbackFor(session, action) });
}

function feedbackFor(session, action) {
  const { errors, warnings } = describeChecks(session.checks || [], state.context);
  switch (session.status) {
    case "HELD": {
      const left = Date.parse(session.holdExpiresAt) - (Date.now() - state.clockSkewMs);
      return { tone: warnings.length ? "warning" : "ok",
               lines: [`Hold acquired — ${formatLeft(left)} left`, ...warnings.map((w) => `Warning: ${w}`)] };
    }
    case "PROPOSED":
      return { tone: "error", lines: ["Not held:", ...errors, ...warnings.map((w) => `Warning: ${w}`)] };
    case "CONFIRMED":
      return { tone: "ok", lines: ["Confirmed: the tables are this booking's."] };
    case "CANCELLED":
      return { tone: "info", lines: [action === "cancel" ? "Cancelled: the tables are free again." : "The session was cancelled."] };
    case "EXPIRED":
      return { tone: "warning", lines: ["The hold expired: select the tables again."] };
    default:
      return { tone: "info", lines: [] };
  }
}

export function showProblem(error) {
  const message = error instanceof ApiError ? error.message : String(error);
  update({ feedback: { tone: "error", lines: [message] } });
  if (error instanceof ApiError && error.status === 401) window.dispatchEvent(new CustomEvent("seating:signed-out"));
}

export async function confirmSession() {
  const session = state.session;
  if (!session || session.status !== "HELD" || state.sent) return;
  const bookingId = state.bookingId;
  update({ sent: session.proposedTables });
  try {
    const answer = await flow().confirm(session);
    if (state.bookingId === bookingId) applyAnswer(answer, "confirm");
    window.dispatchEvent(new CustomEvent("seating:confirmed"));
  } catch (error) {
    if (state.bookingId === bookingId) showProblem(error);
  } finally {
    if (state.bookingId === bookingId) update({ sent: null });
  }
}

export async function cancelSession() {
  if (!isActive(state.session)) return;
  if (state.sent) {
    update({ queued: [] });
  } else {
    send([]);
  }
}

// A read of the session (its hold ran out, or the floor plan no longer lists it as active):
// applied only when no call of ours is in flight, so it never overtakes an answer.
export async function refreshSession() {
  const session = state.session;
  if (!session || state.sent || state.queued) return;
  try {
    const answer = await flow().read(session);
    if (state.session && state.session.id === answer.id && !state.sent && !state.queued &&
        Date.parse(answer.updatedAt) >= Date.parse(state.session.updatedAt) && answer.status !== state.session.status) {
      applyAnswer(answer, "read");
    }
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) showProblem(error);
  }
}

// The floor plan brought the caller's active session (or none): adopt it when it is newer.
export function reconcileSession(contextSession) {
  if (state.sent || state.queued) return;
  const current = state.session;
  if (contextSession) {
    if (!current || current.id !== contextSession.id || Date.parse(contextSession.updatedAt) > Date.parse(current.updatedAt)) {
      update({ session: contextSession });
    }
  } else if (isActive(current)) {
    refreshSession();
  }
}
