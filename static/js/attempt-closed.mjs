/* A submitted attempt's result page: answers this browser kept for it can never be saved now. */

import { LocalJournal } from "./journal.mjs";

const closed = document.getElementById("attempt-closed");
if (closed) {
  new LocalJournal(window.localStorage, closed.dataset.attempt).clear();
}
