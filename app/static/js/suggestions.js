// The open booking's best selections (GET /api/staff/bookings/{id}/suggestions?limit=3) beside
// the floor plan, best first: each a button that holds its tables in one press (through the same
// selection path as a click), with the engine's reasons in words. Buttons are kept by their
// tables and updated in place, so a refresh never moves the keyboard focus.
import { answeredSelection } from "./state.js";
import { listNumbers } from "./words.js";

const items = new Map();

export function renderSuggestions(view, state, onPick) {
  const current = state.suggestions;
  const mine = current && current.bookingId === state.bookingId ? current : null;
  const list = mine && mine.list ? mine.list : [];
  let note = "";
  if (!mine || (!mine.list && !mine.error)) note = "Looking for the best tables…";
  else if (mine.error) note = `No suggestions: ${mine.error}`;
  else if (list.length === 0) note = "Nothing fits this booking right now: no free table or combination seats the party.";
  set(view.suggestionsNote, note);
  view.suggestionsNote.hidden = !note;

  const held = state.session && state.session.status === "HELD" ? keyOf(answeredSelection()) : null;
  const wanted = [];
  for (const suggestion of list) {
    const key = keyOf(suggestion.tableIds);
    let item = items.get(key);
    if (!item) {
      item = makeItem(key, suggestion, onPick);
      items.set(key, item);
    }
    fill(item, suggestion, key === held);
    wanted.push(item);
  }
  for (const [key, item] of items) {
    if (!wanted.includes(item)) {
      item.remove();
      items.delete(key);
    }
  }
  let expected = view.suggestionList.firstElementChild;
  for (const item of wanted) {
    if (item !== expected) view.suggestionList.insertBefore(item, expected);
    else expected = expected.nextElementSibling;
  }
}

const keyOf = (tableIds) => [...tableIds].sort().join(",");

function makeItem(key, suggestion, onPick) {
  const item = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "suggestion";
  button.innerHTML = '<span class="s-tables"></span><span class="s-held"></span><span class="s-reasons"></span>';
  const reasons = button.querySelector(".s-reasons");
  reasons.id = `suggestion-reasons-${key.replaceAll(",", "-")}`;
  button.setAttribute("aria-describedby", reasons.id);
  // The tables of the latest answer for this key (the list is refreshed in place).
  button.addEventListener("click", () => onPick(JSON.parse(button.dataset.tableIds)));
  item.append(button);
  return item;
}

function fill(item, suggestion, held) {
  const button = item.firstElementChild;
  const numbers = suggestion.tableNumbers;
  const noun = numbers.length === 1 ? "table" : "tables";
  const tables = `${noun} ${listNumbers(numbers)}`;
  button.dataset.tableIds = JSON.stringify(suggestion.tableIds);
  set(button.querySelector(".s-tables"), `${suggestion.rank}. ${noun === "table" ? "Table" : "Tables"} ${listNumbers(numbers)}`);
  set(button.querySelector(".s-held"), held ? "Held for this booking" : "");
  const reasons = button.querySelector(".s-reasons");
  const text = suggestion.reasons.map((r) => r.message).join("\n");
  if (reasons.dataset.text !== text) {
    reasons.dataset.text = text;
    reasons.replaceChildren(...suggestion.reasons.map((r) => {
      const line = document.createElement("span");
      line.className = "s-reason";
      line.textContent = r.message;
      return line;
    }));
  }
  button.setAttribute("aria-label", `Hold ${tables}${held ? " (held now)" : ""}`);
  button.toggleAttribute("data-held", held);
}

function set(element, text) {
  if (element.textContent !== text) element.textContent = text;
}
