/* The journal: unsent answers in localStorage, one key per part, shared by the windows of an attempt. */

import assert from "node:assert/strict";
import { test } from "node:test";

import { LocalJournal } from "../../static/js/journal.mjs";
import { MemoryStorage } from "./harness.mjs";

test("keeps one entry per part, under the attempt's own keys, oldest edit first", () => {
  const storage = new MemoryStorage();
  const journal = new LocalJournal(storage, 7);
  journal.put("q8b", { text: "200", base: 0, editedAt: 20 });
  journal.put("q2a", { text: "903400", base: 2, editedAt: 10 });
  journal.put("q2a", { text: "903401", base: 2, editedAt: 30 });
  new LocalJournal(storage, 8).put("q2a", { text: "another attempt", base: 0, editedAt: 5 });
  assert.deepEqual(journal.entries(), [
    { key: "q8b", text: "200", base: 0, editedAt: 20 },
    { key: "q2a", text: "903401", base: 2, editedAt: 30 },
  ]);
  assert.equal(storage.getItem("convquiz:attempt:7:q2a"), JSON.stringify({ text: "903401", base: 2, editedAt: 30 }));
});

test("an acknowledgement drops an entry only if it still holds the edit acknowledged", () => {
  const journal = new LocalJournal(new MemoryStorage(), 7);
  journal.put("q8b", { text: "25088", base: 0, editedAt: 10 });
  // Another window typed in the same part meanwhile: its newer edit stays.
  journal.put("q8b", { text: "512", base: 0, editedAt: 12 });
  journal.drop("q8b", { text: "25088", base: 0, editedAt: 10 });
  assert.deepEqual(journal.entries().map((entry) => entry.text), ["512"]);
  journal.drop("q8b", { text: "512", base: 0, editedAt: 12 });
  assert.deepEqual(journal.entries(), []);
});

test("clearing forgets this attempt's entries and no other's", () => {
  const storage = new MemoryStorage();
  const journal = new LocalJournal(storage, 7);
  journal.put("q2a", { text: "1", base: 0, editedAt: 1 });
  journal.put("q2b", { text: "2", base: 0, editedAt: 2 });
  const other = new LocalJournal(storage, 70);
  other.put("q2a", { text: "3", base: 0, editedAt: 3 });
  journal.clear();
  assert.deepEqual(journal.entries(), []);
  assert.equal(other.entries().length, 1);
});

test("entries it cannot read are ignored, not fatal", () => {
  const storage = new MemoryStorage();
  storage.setItem("convquiz:attempt:7:q2a", "{not json");
  storage.setItem("convquiz:attempt:7:q2b", JSON.stringify({ text: 5, base: 0, editedAt: 1 }));
  storage.setItem("convquiz:attempt:7:q2c", JSON.stringify({ text: "x", base: -1, editedAt: 1 }));
  storage.setItem("convquiz:attempt:7:q8b", JSON.stringify({ text: "200", base: 1, editedAt: 4 }));
  assert.deepEqual(new LocalJournal(storage, 7).entries(), [{ key: "q8b", text: "200", base: 1, editedAt: 4 }]);
});

test("a storage that refuses (private browsing, full) loses nothing but the copy", () => {
  const refusing = new MemoryStorage();
  refusing.setItem = () => {
    throw new Error("QuotaExceededError");
  };
  const journal = new LocalJournal(refusing, 7);
  assert.doesNotThrow(() => journal.put("q2a", { text: "1", base: 0, editedAt: 1 }));
  assert.deepEqual(journal.entries(), []);
});
