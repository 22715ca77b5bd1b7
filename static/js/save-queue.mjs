/* The attempt page's save queue: what each save carries, when it is sent, what its reply means.
 *
 * Pure: no page, no network, no storage and no real clock of its own. The page gives it
 * `send` (one save of docs/save-contract.md, resolving to {status, body}; status 0 when
 * the server could not be reached), a journal (where unsent answers outlive a reload), a
 * clock and a view (what the student sees); the tests in tests/js give it fakes.
 *
 * The rules, per part: an edit is sent once the student pauses; one save is on its way
 * at a time for the whole page, the oldest edit first; each save says which stored answer
 * its text was typed over (`sequence`, one more than that answer's) and when it was typed
 * (`edited_at`, on the server's clock), so the server keeps the newest edit from any window.
 * Until the server acknowledges an edit, the journal keeps it. After a failure the queue
 * tries again on a back-off timer, and as soon as the page reports it is back (online,
 * focus, a reload); after every reply it sends the next edit waiting.
 */

export const PAUSE_MS = 800;
export const FIRST_RETRY_MS = 2000;
export const MAX_RETRY_MS = 15000;
/* A save that has not been answered by then counts as lost; its retry is harmless (same text). */
export const SAVE_TIMEOUT_MS = 20000;
export const MAX_SEQUENCE = 2147483647;

const FAILURES = { 0: "offline", 401: "login", 403: "forbidden", 404: "not_found" };

/* What the failure of a save means for the page: a kind, the status and the server's message. */
export function failureOf(status, body) {
  return { kind: FAILURES[status] || "server", status: status, message: (body && body.message) || null };
}

function outcomeOf(status, body) {
  if (status === 200 && body && body.ok) {
    return "saved";
  }
  if (status === 409 && body && body.error === "closed") {
    return "closed";
  }
  if (status === 409 && body && body.error === "stale") {
    return "stale";
  }
  // A part on a page left in sequential navigation: like an answer the server cannot take, never retried.
  if (status === 400 || status === 413 || (status === 409 && body && body.error === "page_left")) {
    return "refused";
  }
  return "failed";
}

function timeOf(iso) {
  const time = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(time) ? null : time;
}

export class SaveQueue {
  /**
   * @param {object} options
   * @param {Array<{key: string, text: string, sequence: number, savedAt: (string|null)}>} options.parts
   *   each part's answer as the page was rendered with it
   * @param {function({part, text, sequence, editedAt}): Promise<{status: number, body: (object|null)}>} options.send
   * @param {{entries(): Array, put(key, entry): void, drop(key, entry): void, clear(): void}} options.journal
   * @param {{now(): number, setTimeout: Function, clearTimeout: Function}} options.clock
   * @param {object} options.view  callbacks, each optional (see `notify` calls below)
   * @param {number} [options.serverNow]  the server's clock (ms) when the page was rendered
   */
  constructor({ parts, send, journal, clock, view, serverNow }) {
    this.send = send;
    this.journal = journal;
    this.clock = clock;
    this.view = view || {};
    this.parts = new Map();
    for (const part of parts) {
      this.parts.set(part.key, {
        key: part.key,
        known: { text: part.text, sequence: part.sequence, savedAt: part.savedAt || null },
        pending: null,
        inflight: null,
        refused: null,
        status: null,
      });
    }
    this.failure = null;
    this.closed = null;
    this.busy = false;
    this.timer = null;
    this.retryDelay = 0;
    this.retryAt = 0;
    this.waiters = [];
    this.lastEditedAt = 0;
    // The page's estimate of the server's clock: the render time at first (its delay unknown),
    // then the save whose round trip was shortest.
    this.offset = typeof serverNow === "number" ? serverNow - clock.now() : 0;
    this.offsetError = Infinity;
  }

  // --- What the page asks ---------------------------------------------------------------------

  /** The server's clock now, as far as this page can tell. */
  serverNow() {
    return this.clock.now() + this.offset;
  }

  /** Restore the journal's unsent answers into their parts, and send them at once; their keys. */
  restore() {
    const restored = [];
    for (const entry of this.journal.entries()) {
      const part = this.parts.get(entry.key);
      if (!part || part.pending || part.inflight) {
        continue;
      }
      if (entry.text === part.known.text) {
        this.journal.drop(entry.key, entry);
        continue;
      }
      // An entry never claims more than the server holds (a restored database, a tampered entry).
      const base = Math.min(entry.base, part.known.sequence);
      part.pending = { text: entry.text, base: base, editedAt: entry.editedAt, dueAt: this.clock.now(), restored: true };
      this.lastEditedAt = Math.max(this.lastEditedAt, entry.editedAt);
      this.notify("showText", part.key, entry.text);
      this.setStatus(part, { kind: "restored" });
      restored.push(part.key);
    }
    this.pump();
    return restored;
  }

  /** The student changed a part's answer to `text`. */
  edit(key, text) {
    const part = this.parts.get(key);
    if (!part || this.closed) {
      return;
    }
    const shown = part.pending ? part.pending.text : part.inflight ? part.inflight.text : part.known.text;
    if (text === shown && !part.refused) {
      return;
    }
    part.refused = null;
    const editedAt = Math.max(Math.round(this.serverNow()), this.lastEditedAt + 1);
    this.lastEditedAt = editedAt;
    if (text === part.known.text && !part.inflight) {
      // Typed back to the saved answer: nothing to send.
      if (part.pending) {
        this.journal.drop(key, part.pending);
      }
      part.pending = null;
      this.setStatus(part, this.restingStatus(part));
      this.settleWaiters();
      return;
    }
    // Typed over the answer on its way, whose sequence the reply will tell (null until then).
    const base = part.pending ? part.pending.base : part.inflight ? null : part.known.sequence;
    part.pending = { text: text, base: base, editedAt: editedAt, dueAt: this.clock.now() + PAUSE_MS };
    this.journal.put(key, this.entryOf(part, part.pending));
    this.setStatus(part, this.failure ? { kind: "unsent", failure: this.failure } : { kind: "waiting" });
    this.pump();
  }

  /** Send every waiting edit now (the Save button, submitting, time running out). */
  flush() {
    const now = this.clock.now();
    for (const part of this.parts.values()) {
      if (part.pending) {
        part.pending.dueAt = now;
      }
    }
    this.retryAt = now;
    this.pump();
  }

  /** The page is back (online, focus, visible again, logged in): try at once, not at the next back-off. */
  resume() {
    this.retryAt = this.clock.now();
    this.pump();
  }

  /** Parts whose newest text is not on the server: [{key, text, reason}], reason a failure kind, "refused" or "sending". */
  unsaved() {
    const list = [];
    for (const part of this.parts.values()) {
      const edit = part.pending || part.inflight;
      if (edit) {
        list.push({ key: part.key, text: edit.text, reason: this.failure ? this.failure.kind : "sending" });
      } else if (part.refused) {
        list.push({ key: part.key, text: part.refused.text, reason: "refused", message: part.refused.message });
      }
    }
    return list;
  }

  /** Resolves with `unsaved()` once nothing waits to be sent (or the attempt closed), or after `timeoutMs`. */
  settle(timeoutMs) {
    this.flush();
    return new Promise((resolve) => {
      const waiter = { resolve: resolve, timer: null };
      waiter.timer = this.clock.setTimeout(() => this.release(waiter), Math.max(0, timeoutMs));
      this.waiters.push(waiter);
      this.settleWaiters();
    });
  }

  /** The server's answer to a part as another window saved it (a sync, a message from another tab). */
  applyServer(key, answer) {
    const part = this.parts.get(key);
    if (!part || this.closed || !(answer.sequence > part.known.sequence)) {
      return;
    }
    const before = part.known.text;
    this.learn(part, { text: answer.text, sequence: answer.sequence, savedAt: answer.saved_at || null });
    if (part.pending || part.inflight || part.refused) {
      // The student's own unsent edit stays on screen; the server orders the two when it arrives.
      return;
    }
    if (answer.text !== before) {
      this.notify("showText", key, answer.text);
      this.notify("parserMessage", key, answer.message || null);
      this.setStatus(part, { kind: "updated", savedAt: part.known.savedAt });
    }
  }

  /** The attempt was submitted (a reply, a sync): stop, and forget what can no longer be saved. */
  close(info) {
    if (this.closed) {
      return;
    }
    this.closed = { message: info.message || null, resultUrl: info.result_url || info.resultUrl || null };
    this.clock.clearTimeout(this.timer);
    this.journal.clear();
    this.notify("closed", this.closed);
    this.settleWaiters();
  }

  // --- Sending ----------------------------------------------------------------------------------

  /** Send the next due edit, or set the timer for when one will be due. Safe to call any time. */
  pump() {
    if (this.closed || this.busy) {
      return;
    }
    this.clock.clearTimeout(this.timer);
    this.timer = null;
    const now = this.clock.now();
    let next = null;
    let wake = Infinity;
    for (const part of this.parts.values()) {
      const edit = part.pending;
      if (!edit) {
        continue;
      }
      // While saves fail, the back-off decides and every waiting edit is due.
      const due = this.failure ? this.retryAt : edit.dueAt;
      if (due <= now) {
        if (!next || edit.editedAt < next.pending.editedAt) {
          next = part;
        }
      } else {
        wake = Math.min(wake, due);
      }
    }
    if (next) {
      this.transmit(next);
    } else if (wake !== Infinity) {
      this.timer = this.clock.setTimeout(() => this.pump(), wake - now);
    }
  }

  async transmit(part) {
    const edit = part.pending;
    part.pending = null;
    part.inflight = edit;
    this.busy = true;
    const sending = edit.restored ? { kind: "saving", restored: true } : { kind: "saving" };
    this.setStatus(part, this.failure ? { kind: "unsent", failure: this.failure } : sending);
    const sentAt = this.clock.now();
    let reply;
    try {
      reply = await this.withTimeout(
        this.send({
          part: part.key,
          text: edit.text,
          sequence: Math.min(edit.base + 1, MAX_SEQUENCE),
          editedAt: edit.editedAt,
        }),
      );
    } catch (error) {
      reply = { status: 0, body: null };
    }
    try {
      this.handle(part, edit, reply || { status: 0, body: null }, sentAt);
    } finally {
      part.inflight = null;
      this.busy = false;
      this.settleWaiters();
      this.pump();
    }
  }

  withTimeout(promise) {
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => resolve({ status: 0, body: null }), SAVE_TIMEOUT_MS);
      Promise.resolve(promise).then(
        (value) => {
          this.clock.clearTimeout(timer);
          resolve(value);
        },
        (error) => {
          this.clock.clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  handle(part, edit, reply, sentAt) {
    const body = reply.body && typeof reply.body === "object" ? reply.body : null;
    const outcome = outcomeOf(reply.status, body);
    if (outcome === "failed") {
      this.failed(part, edit, failureOf(reply.status, body));
      return;
    }
    if (outcome === "closed") {
      this.close(body);
      return;
    }
    this.reached(body && body.saved_at, sentAt);
    if (outcome === "saved") {
      this.saved(part, edit, body);
    } else if (outcome === "stale") {
      this.stale(part, edit, body);
    } else {
      this.refused(part, edit, body);
    }
  }

  saved(part, edit, body) {
    const expected = Math.min(edit.base + 1, MAX_SEQUENCE);
    this.learn(part, { text: edit.text, sequence: body.sequence, savedAt: body.saved_at || null });
    this.resolveBase(part, body.sequence);
    this.journal.drop(part.key, this.entryOf(part, edit));
    this.notify("saved", part.key, { ...part.known, message: body.message || null });
    if (!part.pending) {
      this.notify("parserMessage", part.key, body.message || null);
    }
    this.setStatus(part, this.restingStatus(part));
    if (body.sequence !== expected) {
      // Another window or device saved this part since this page learned it: it may have saved others.
      this.notify("otherWriter");
    }
  }

  stale(part, edit, body) {
    // Another window or device saved a newer edit: the server keeps it, and says what it is.
    const stored = body.stored || null;
    this.journal.drop(part.key, this.entryOf(part, edit));
    this.resolveBase(part, edit.base);
    if (stored) {
      this.learn(part, { text: stored.text, sequence: stored.sequence, savedAt: stored.saved_at || null });
    }
    if (part.pending) {
      // The student kept typing here after this edit: that newer edit goes next.
      this.setStatus(part, { kind: "waiting" });
    } else {
      if (stored) {
        this.notify("showText", part.key, stored.text);
        this.notify("parserMessage", part.key, stored.message || null);
      }
      this.setStatus(part, { kind: "replaced", previous: edit.text, savedAt: part.known.savedAt });
    }
    // That window may have saved other parts too (and without `stored`, this one: a sync brings it).
    this.notify("otherWriter");
  }

  refused(part, edit, body) {
    this.resolveBase(part, edit.base);
    if (part.pending) {
      this.setStatus(part, { kind: "waiting" });
      return;
    }
    // Kept in the journal, so a reload shows the refused text again rather than losing it.
    part.refused = { text: edit.text, message: (body && body.message) || null };
    this.setStatus(part, { kind: "refused", message: part.refused.message });
  }

  failed(part, edit, failure) {
    if (part.pending) {
      this.resolveBase(part, edit.base);
    } else {
      part.pending = edit;
    }
    const now = this.clock.now();
    this.retryDelay = Math.min(this.retryDelay ? this.retryDelay * 2 : FIRST_RETRY_MS, MAX_RETRY_MS);
    this.retryAt = now + this.retryDelay;
    const changed = !this.failure || this.failure.kind !== failure.kind || this.failure.status !== failure.status;
    this.failure = failure;
    for (const each of this.parts.values()) {
      if (each.pending) {
        this.setStatus(each, { kind: "unsent", failure: failure });
      }
    }
    if (changed) {
      this.notify("connection", failure);
    }
  }

  /** A reply came back: the server is reachable again, and its clock is better known. */
  reached(savedAt, sentAt) {
    const receivedAt = this.clock.now();
    const serverTime = timeOf(savedAt);
    if (serverTime !== null && receivedAt - sentAt < this.offsetError) {
      this.offsetError = receivedAt - sentAt;
      this.offset = serverTime - (sentAt + receivedAt) / 2;
    }
    this.retryDelay = 0;
    if (this.failure) {
      this.failure = null;
      for (const each of this.parts.values()) {
        if (each.pending) {
          this.setStatus(each, { kind: "waiting" });
        }
      }
      this.notify("connection", null);
    }
  }

  /** The server's answer to a part, as this page now knows it. */
  learn(part, known) {
    part.known = known;
    this.notify("known", part.key, known);
  }

  /** The edit typed over the one just answered now knows which stored answer it replaces. */
  resolveBase(part, sequence) {
    if (part.pending && part.pending.base === null) {
      part.pending.base = sequence;
      this.journal.put(part.key, this.entryOf(part, part.pending));
    }
  }

  entryOf(part, edit) {
    // An edit waiting for the reply to the one before it is kept with that one's base:
    // if the page is closed before the reply, the server orders it by the time it was typed.
    const base = edit.base === null ? (part.inflight ? part.inflight.base : part.known.sequence) : edit.base;
    return { text: edit.text, base: base, editedAt: edit.editedAt };
  }

  // --- Telling the page ---------------------------------------------------------------------

  restingStatus(part) {
    if (part.pending) {
      return this.failure ? { kind: "unsent", failure: this.failure } : { kind: "waiting" };
    }
    return part.known.sequence ? { kind: "saved", savedAt: part.known.savedAt } : { kind: "blank" };
  }

  setStatus(part, status) {
    part.status = status;
    this.notify("partStatus", part.key, status);
  }

  notify(name, ...args) {
    const callback = this.view[name];
    if (typeof callback !== "function") {
      return;
    }
    try {
      callback(...args);
    } catch (error) {
      // What the page shows must never stop answers from being sent.
      if (typeof this.view.error === "function") {
        this.view.error(error);
      }
    }
  }

  settleWaiters() {
    if (!this.waiters.length) {
      return;
    }
    const busy = Array.from(this.parts.values()).some((part) => part.pending || part.inflight);
    if (!busy || this.closed) {
      for (const waiter of this.waiters.slice()) {
        this.release(waiter);
      }
    }
  }

  release(waiter) {
    const index = this.waiters.indexOf(waiter);
    if (index === -1) {
      return;
    }
    this.waiters.splice(index, 1);
    this.clock.clearTimeout(waiter.timer);
    waiter.resolve(this.unsaved());
  }
}
