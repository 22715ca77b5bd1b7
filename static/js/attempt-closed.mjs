/* A submitted attempt's result page: answers this browser kept for it can never be saved now. */

import { LocalJournal, browserStorage } from "./journal.mjs";

const closed = document.getElementById("attempt-closed");
if (closed) {
  new LocalJournal(browserStorage(), closed.dataset.attempt).clear();
}
