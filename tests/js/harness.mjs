/* Fakes for the save queue's tests: a clock the test moves, a server the test answers, a journal in memory. */

import { LocalJournal } from "../../static/js/journal.mjs";
import { SaveQueue } from "../../static/js/save-queue.mjs";

/** A clock that stands still until `advance` moves it, running the timers that fall due. */
export class FakeClock {
  constructor(start = 1_000_000) {
    this.time = start;
    this.timers = [];
    this.nextId = 1;
  }

  now() {
    return this.time;
  }

  setTimeout(callback, delay) {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, delay || 0), callback };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(id) {
    this.timers = this.timers.filter((timer) => timer.id !== id);
  }

  /** Move on by `ms`, running each timer at its moment and letting promises settle after each. */
  async advance(ms) {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) {
        break;
      }
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = Math.max(this.time, due.at);
      due.callback();
    }
    this.time = end;
    await settle();
  }
}

/** Let every pending promise callback run. */
export async function settle() {
  for (let round = 0; round < 5; round += 1) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The server's side of the save contract: records each save; the test answers them in order. */
export class FakeServer {
  constructor() {
    this.requests = [];
    this.waiting = [];
  }

  send = (request) => {
    this.requests.push(request);
    return new Promise((resolve, reject) => this.waiting.push({ request, resolve, reject }));
  };

  get outstanding() {
    return this.waiting.length;
  }

  /** Answer the oldest save still waiting with a status and a JSON body. */
  async reply(status, body = null) {
    const next = this.waiting.shift();
    if (!next) {
      throw new Error("no save is waiting for a reply");
    }
    next.resolve({ status, body });
    await settle();
    return next.request;
  }

  /** Answer it as the contract's success: the next sequence, saved now. */
  async accept(extra = {}) {
    const request = this.waiting[0].request;
    return this.reply(200, {
      ok: true,
      part: request.part,
      sequence: request.sequence,
      saved_at: "2026-11-25T14:03:12.000000+00:00",
      saved_at_display: "14:03:12",
      message: null,
      ...extra,
    });
  }

  /** The request fails before any reply (a dropped connection: fetch rejects). */
  async drop() {
    const next = this.waiting.shift();
    next.reject(new TypeError("Failed to fetch"));
    await settle();
    return next.request;
  }
}

/** localStorage's methods over a Map. */
export class MemoryStorage {
  constructor() {
    this.items = new Map();
  }

  get length() {
    return this.items.size;
  }

  key(index) {
    return Array.from(this.items.keys())[index] ?? null;
  }

  getItem(name) {
    return this.items.has(name) ? this.items.get(name) : null;
  }

  setItem(name, value) {
    this.items.set(name, String(value));
  }

  removeItem(name) {
    this.items.delete(name);
  }
}

/** A view recording every call, by name: `view.calls.partStatus` is a list of argument lists. */
export function recordingView() {
  const calls = {};
  const record = (name) => (...args) => {
    (calls[name] = calls[name] || []).push(args);
  };
  const view = {};
  for (const name of ["partStatus", "showText", "parserMessage", "connection", "closed", "known", "saved", "otherWriter", "error"]) {
    view[name] = record(name);
  }
  view.calls = calls;
  view.last = (name) => (calls[name] || []).at(-1);
  view.count = (name) => (calls[name] || []).length;
  view.statusOf = (key) => (calls.partStatus || []).filter(([part]) => part === key).at(-1)?.[1];
  return view;
}

export const PARTS = [
  { key: "q2a", text: "", sequence: 0, savedAt: null },
  { key: "q2b", text: "12 MB", sequence: 3, savedAt: "2026-11-25T14:00:00+00:00" },
  { key: "q8b", text: "", sequence: 0, savedAt: null },
];

/** A queue over the fakes, as the attempt page makes one; `serverNow` is 5 s ahead of the page's clock. */
export function makeQueue({ parts = PARTS, storage = new MemoryStorage(), attempt = 7 } = {}) {
  const clock = new FakeClock();
  const server = new FakeServer();
  const view = recordingView();
  const journal = new LocalJournal(storage, attempt);
  const queue = new SaveQueue({
    parts: structuredClone(parts),
    send: server.send,
    journal,
    clock,
    view,
    serverNow: clock.now() + 5000,
  });
  return { queue, clock, server, view, journal, storage };
}
