/* The journal: each answer this browser has not yet seen acknowledged, kept in localStorage.
 *
 * One key per part (`convquiz:attempt:<attempt id>:<part key>`), holding the newest text
 * typed there with the sequence it was typed over and when it was typed; the save queue
 * (save-queue.mjs) reads it through `entries`, `put`, `drop` and `clear`. Windows of the
 * same attempt share it: the newest edit of a part, from any window, is the one kept, and
 * an acknowledgement drops an entry only if it still holds the edit acknowledged.
 */

const PREFIX = "convquiz:attempt:";

function valid(entry) {
  return (
    entry !== null &&
    typeof entry === "object" &&
    typeof entry.text === "string" &&
    Number.isInteger(entry.base) &&
    entry.base >= 0 &&
    Number.isFinite(entry.editedAt)
  );
}

/** The browser's localStorage, or, where the browser refuses it (storage switched off), one that keeps nothing. */
export function browserStorage() {
  try {
    return window.localStorage;
  } catch (error) {
    return { length: 0, key: () => null, getItem: () => null, setItem: () => {}, removeItem: () => {} };
  }
}

export class LocalJournal {
  /** `storage` is window.localStorage, or anything with its methods (tests). */
  constructor(storage, attemptId) {
    this.storage = storage;
    this.prefix = PREFIX + attemptId + ":";
  }

  keys() {
    const keys = [];
    try {
      for (let index = 0; index < this.storage.length; index += 1) {
        const name = this.storage.key(index);
        if (name && name.startsWith(this.prefix)) {
          keys.push(name);
        }
      }
    } catch (error) {
      // Storage switched off by the browser: there is nothing kept.
    }
    return keys;
  }

  read(name) {
    try {
      const entry = JSON.parse(this.storage.getItem(name));
      return valid(entry) ? entry : null;
    } catch (error) {
      return null;
    }
  }

  /** Every kept answer: [{key, text, base, editedAt}], oldest edit first. */
  entries() {
    const entries = [];
    for (const name of this.keys()) {
      const entry = this.read(name);
      if (entry) {
        entries.push({ key: name.slice(this.prefix.length), text: entry.text, base: entry.base, editedAt: entry.editedAt });
      }
    }
    return entries.sort((a, b) => a.editedAt - b.editedAt);
  }

  put(key, entry) {
    try {
      this.storage.setItem(this.prefix + key, JSON.stringify({ text: entry.text, base: entry.base, editedAt: entry.editedAt }));
    } catch (error) {
      // Private browsing or a full storage: the answer still goes to the server, only not kept here.
    }
  }

  /** Forget the part's entry if it is still this edit (another window may have kept a newer one). */
  drop(key, entry) {
    const current = this.read(this.prefix + key);
    if (current && current.editedAt === entry.editedAt && current.text === entry.text) {
      try {
        this.storage.removeItem(this.prefix + key);
      } catch (error) {
        // Nothing to do: the entry is resent once, and the server takes the same text as a retry.
      }
    }
  }

  clear() {
    for (const name of this.keys()) {
      try {
        this.storage.removeItem(name);
      } catch (error) {
        // As above.
      }
    }
  }
}
