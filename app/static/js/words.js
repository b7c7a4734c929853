// State in words: times in the restaurant's zone, table states, check results.
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
const timeFormats = new Map();

// Natural table-number order: "2" before "10".
export const byTableNumber = (a, b) => collator.compare(a.tableNumber, b.tableNumber);

export function time(iso, timeZone) {
  if (!iso) return "";
  const key = timeZone || "UTC";
  if (!timeFormats.has(key)) {
    timeFormats.set(key, new Intl.DateTimeFormat("en-GB", { timeZone: key, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }));
  }
  return timeFormats.get(key).format(new Date(iso));
}

export function localDate(date, timeZone) {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
}

export function formatLeft(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

export function listNumbers(numbers) {
  if (numbers.length <= 1) return numbers.join("");
  return `${numbers.slice(0, -1).join(", ")} and ${numbers[numbers.length - 1]}`;
}

// The turnover buffer: the booking's window ends that long after the booking does.
function bufferMs(context) {
  return Date.parse(context.booking.window.end) - Date.parse(context.booking.endAt);
}

// What keeps a table from this booking, in words: "Held by Alice · until 19:03".
export function blockerWords(state, blocker, context) {
  const zone = context.restaurant.timezone;
  switch (state) {
    case "inactive":
      return "Out of service";
    case "blocked":
      return blocker && blocker.note ? `Blocked — ${blocker.note}` : "Blocked";
    case "assigned": {
      const end = new Date(Date.parse(blocker.window.end) - bufferMs(context)).toISOString();
      return `${blocker.guestName || "Another booking"} ${time(blocker.window.start, zone)}–${time(end, zone)}`;
    }
    case "held":
      return `Held by ${blocker.heldByName || "another host"} · until ${time(blocker.expiresAt, zone)}`;
    default:
      return "Free";
  }
}

// The failing checks as sentences; a conflict names each table's holder, booking or block.
export function describeChecks(checks, context) {
  const zone = context ? context.restaurant.timezone : "UTC";
  const errors = [];
  const warnings = [];
  for (const check of checks) {
    if (check.severity === "warning") warnings.push(check.message);
    if (check.severity !== "error") continue;
    const conflicts = check.id === "conflict" ? (check.details.conflicts || []) : [];
    if (conflicts.length === 0) {
      errors.push(check.message);
      continue;
    }
    for (const c of conflicts) {
      if (c.kind === "hold") errors.push(`Table ${c.tableNumber} is held by ${c.heldByName || "another host"} until ${time(c.holdExpiresAt, zone)}`);
      else if (c.kind === "assignment") errors.push(`Table ${c.tableNumber} is taken by ${c.guestName || "another booking"} from ${time(c.window.start, zone)}`);
      else errors.push(`Table ${c.tableNumber} is blocked${c.note ? ` — ${c.note}` : ""}`);
    }
  }
  return { errors, warnings };
}

// A zone's offset from UTC at an instant, in minutes (60 for Europe/Rome in winter).
function offsetMinutes(instantMs, timeZone) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(instantMs)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return Math.round((asUtc - instantMs) / 60000);
}

// Midnight of a local date (YYYY-MM-DD) in a zone, written with its offset:
// "2026-11-30T00:00:00+01:00", as PostgreSQL's `date::timestamp AT TIME ZONE zone` reads it:
// where midnight happens twice (America/Havana in November) the later one; where the clocks
// jump over it (America/Santiago in September) the jump's end, "2027-09-05T01:00:00-03:00".
function localMidnight(date, timeZone) {
  const [y, m, d] = date.split("-").map(Number);
  const midnight = Date.UTC(y, m - 1, d);  // the local wall clock, read as UTC
  const day = 86_400_000;
  const offsets = [...new Set([-day / 2, 0, day / 2].map((shift) => offsetMinutes(midnight + shift, timeZone)))];
  const instants = offsets.map((offset) => midnight - offset * 60_000);
  const real = instants.filter((instant, i) => offsetMinutes(instant, timeZone) === offsets[i]);
  const after = instants.filter((instant) => localDate(new Date(instant), timeZone) === date);
  const start = real.length ? Math.max(...real) : after.length ? Math.min(...after) : instants[0];
  const offset = offsetMinutes(start, timeZone);
  const abs = Math.abs(offset);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  const wall = new Date(start + offset * 60_000).toISOString().slice(0, 19);
  return `${wall}${offset < 0 ? "-" : "+"}${hhmm}`;
}

// The bounds of a restaurant's local day, [from, to), each with its own UTC offset (a day with a
// DST change lasts 23 or 25 hours).
export function dayBounds(date, timeZone) {
  const [y, m, d] = date.split("-").map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  return { from: localMidnight(date, timeZone), to: localMidnight(next, timeZone) };
}
