/* The submit confirmation: answers typed in this browser that the server does not have yet.
 *
 * The page lists what the server holds; the journal may hold newer answers the attempt
 * page could not send (the connection was lost). They are listed here, sent with the same
 * save queue, and waited for before submitting; the student is told which ones are left
 * out if they cannot be sent.
 */

import { format, gettext } from "./i18n.mjs";
import { LocalJournal, browserStorage } from "./journal.mjs";
import { browserClock, getAnswers, postSave } from "./save-client.mjs";
import { SaveQueue } from "./save-queue.mjs";
import { unsavedList } from "./unsaved.mjs";

const SETTLE_MS = 10000;
const box = document.getElementById("unsent-answers");
const submitForm = document.getElementById("submit-form");
const button = document.getElementById("submit-button");
const urls = box.dataset;

// A copy of this page brought back by the back button may be out of date: ask the server again.
window.addEventListener("pageshow", (event) => {
  if (event.persisted) {
    window.location.reload();
  }
});

function paragraph(text) {
  const node = document.createElement("p");
  node.className = "mb-2";
  node.textContent = text;
  return node;
}

async function start(entries) {
  const reply = await getAnswers(urls.answersUrl);
  const body = reply.status === 200 ? reply.body : null;
  if (body && !body.open) {
    window.location.replace(body.result_url);
    return;
  }
  const known = body ? body.answers : {};
  const labelOf = (key) => (known[key] && known[key].label) || format(gettext("Question %(number)s"), { number: key.slice(1) });
  // On the attempt page the part is on (a quiz in pages shows a few questions a page).
  const hrefOf = (key) => {
    const page = known[key] ? known[key].page : 1;
    return urls.attemptUrl + (page > 1 ? "?page=" + page : "") + "#part-" + key;
  };
  let listed = false;

  function render() {
    const unsaved = queue.unsaved();
    if (unsaved.length) {
      listed = true;
      box.className = "alert alert-danger";
      box.replaceChildren(
        paragraph(gettext("Not saved yet: these answers were typed in this browser but the server does not have them.")),
        unsavedList(unsaved, labelOf, hrefOf),
        paragraph(gettext("They are sent while this page is open. Submitting without them submits the answers saved before.")),
      );
      box.hidden = false;
    } else if (listed) {
      box.className = "alert alert-success";
      box.replaceChildren(paragraph(gettext("The answers typed in this browser are now saved.")));
    }
  }

  const queue = new SaveQueue({
    // Without the server's answers (no connection), each entry is sent as typed, and the server orders it.
    parts: entries.map((entry) =>
      known[entry.key]
        ? { key: entry.key, text: known[entry.key].text, sequence: known[entry.key].sequence, savedAt: known[entry.key].saved_at }
        : { key: entry.key, text: null, sequence: entry.base, savedAt: null },
    ),
    send: (save) => postSave(urls.saveUrl, save),
    journal: new LocalJournal(browserStorage(), urls.attempt),
    clock: browserClock,
    view: {
      partStatus: () => render(),
      closed: (info) => window.location.replace(info.resultUrl),
      error: (error) => console.error(error),
    },
  });
  queue.restore();
  render();

  let leaveOut = false;
  submitForm.addEventListener("submit", async (event) => {
    if (leaveOut || !queue.unsaved().length) {
      return;
    }
    event.preventDefault();
    button.disabled = true;
    const unsaved = await queue.settle(SETTLE_MS);
    button.disabled = false;
    if (!unsaved.length) {
      submitForm.submit();
      return;
    }
    leaveOut = true;
    button.textContent = gettext("Submit without them");
    render();
  });
}

const entries = new LocalJournal(browserStorage(), urls.attempt).entries();
if (entries.length) {
  start(entries);
}
