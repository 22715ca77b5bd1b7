/* The save queue against every reply of the save contract (docs/save-contract.md). Run: node --test tests/js/ */

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  FIRST_RETRY_MS,
  MAX_RETRY_MS,
  MAX_SEQUENCE,
  PAUSE_MS,
  SAVE_TIMEOUT_MS,
} from "../../static/js/save-queue.mjs";
import { MemoryStorage, makeQueue } from "./harness.mjs";

describe("200: saved", () => {
  test("an edit is sent once the student pauses, over the sequence the page shows", async () => {
    const { queue, clock, server, view } = makeQueue();
    queue.edit("q2b", "12.6 MB");
    await clock.advance(PAUSE_MS - 1);
    assert.equal(server.requests.length, 0);
    await clock.advance(1);
    assert.equal(server.requests.length, 1);
    const sent = server.requests[0];
    assert.deepEqual([sent.part, sent.text, sent.sequence], ["q2b", "12.6 MB", 4]);
    assert.equal(view.statusOf("q2b").kind, "saving");
    await server.accept({ message: "`12.6 MB`: fine" });
    assert.deepEqual(view.statusOf("q2b"), { kind: "saved", savedAt: "2026-11-25T14:03:12.000000+00:00" });
    assert.deepEqual(view.last("parserMessage"), ["q2b", "`12.6 MB`: fine"]);
    assert.deepEqual(queue.unsaved(), []);
  });

  test("edits during the pause are one save of the newest text", async () => {
    const { queue, clock, server } = makeQueue();
    for (const text of ["9", "90", "903", "9034"]) {
      queue.edit("q2a", text);
      await clock.advance(300);
    }
    await clock.advance(PAUSE_MS);
    assert.deepEqual(server.requests.map((request) => request.text), ["9034"]);
  });

  test("each save says when it was typed, on the server's clock", async () => {
    const { queue, clock, server } = makeQueue();
    queue.edit("q2a", "1");
    await clock.advance(PAUSE_MS);
    // The page was rendered with the server 5 s ahead of the page's clock.
    assert.equal(server.requests[0].editedAt, clock.now() - PAUSE_MS + 5000);
  });

  test("edit times never go backwards, even when the estimate of the server's clock does", async () => {
    const { queue, clock, server } = makeQueue();
    queue.edit("q2a", "1");
    await clock.advance(PAUSE_MS);
    // A quick reply shows the server's clock is in fact 10 s behind the first estimate.
    const serverTime = new Date(clock.now() - 5000).toISOString();
    await server.accept({ saved_at: serverTime });
    queue.edit("q2a", "12");
    await clock.advance(PAUSE_MS);
    const [first, second] = server.requests;
    assert.ok(second.editedAt > first.editedAt);
  });

  test("one save at a time for the whole page, the oldest edit first", async () => {
    const { queue, clock, server } = makeQueue();
    queue.edit("q8b", "200");
    await clock.advance(10);
    queue.edit("q2a", "903400");
    await clock.advance(PAUSE_MS);
    assert.deepEqual(server.requests.map((request) => request.part), ["q8b"]);
    await server.accept();
    assert.deepEqual(server.requests.map((request) => request.part), ["q8b", "q2a"]);
  });

  test("an edit typed while its part's save is on the way goes next, over the sequence that save got", async () => {
    const { queue, clock, server } = makeQueue();
    queue.edit("q2a", "9");
    await clock.advance(PAUSE_MS);
    queue.edit("q2a", "903400");
    await clock.advance(PAUSE_MS);
    assert.equal(server.outstanding, 1);
    await server.accept();
    assert.equal(server.requests.length, 2);
    assert.deepEqual([server.requests[1].text, server.requests[1].sequence], ["903400", 2]);
    await server.accept();
    assert.equal(queue.parts.get("q2a").known.sequence, 2);
  });

  test("a reply with a later sequence than expected means another window saved: the page syncs", async () => {
    const { queue, clock, server, view } = makeQueue();
    queue.edit("q2a", "512");
    await clock.advance(PAUSE_MS);
    await server.accept({ sequence: 2 });
    assert.equal(view.count("otherWriter"), 1);
    assert.equal(queue.parts.get("q2a").known.sequence, 2);
  });

  test("typing back to the saved answer sends nothing", async () => {
    const { queue, clock, server, view } = makeQueue();
    queue.edit("q2b", "12.");
    queue.edit("q2b", "12 MB");
    await clock.advance(PAUSE_MS * 3);
    assert.equal(server.requests.length, 0);
    assert.equal(view.statusOf("q2b").kind, "saved");
  });

  test("a part at the largest sequence still takes a newer edit, never a sequence out of range", async () => {
    const { queue, clock, server } = makeQueue({ parts: [{ key: "q2a", text: "1", sequence: MAX_SEQUENCE, savedAt: null }] });
    queue.edit("q2a", "2");
    await clock.advance(PAUSE_MS);
    assert.equal(server.requests[0].sequence, MAX_SEQUENCE);
  });
});

describe("400 and 413: refused", () => {
  for (const status of [400, 413]) {
    test(`${status}: the part says why, the text stays, and it is not sent again until edited`, async () => {
      const { queue, clock, server, view, journal } = makeQueue();
      const long = "x".repeat(20_001);
      queue.edit("q2a", long);
      await clock.advance(PAUSE_MS);
      await server.reply(status, { ok: false, error: "invalid", message: "At most 20,000 characters." });
      assert.deepEqual(view.statusOf("q2a"), { kind: "refused", message: "At most 20,000 characters." });
      assert.equal(view.count("connection"), 0, "a refusal is not a lost connection");
      await clock.advance(MAX_RETRY_MS * 4);
      assert.equal(server.requests.length, 1);
      assert.deepEqual(journal.entries().map((entry) => entry.text), [long], "kept, so a reload shows it again");
      assert.deepEqual(queue.unsaved(), [{ key: "q2a", text: long, reason: "refused", message: "At most 20,000 characters." }]);
      queue.edit("q2a", "x");
      await clock.advance(PAUSE_MS);
      assert.equal(server.requests.length, 2);
      assert.equal(server.requests[1].sequence, 1);
    });
  }

  test("a refusal without a JSON body still says the answer was not saved", async () => {
    const { queue, clock, server, view } = makeQueue();
    queue.edit("q2a", "1");
    await clock.advance(PAUSE_MS);
    await server.reply(400, null);
    assert.deepEqual(view.statusOf("q2a"), { kind: "refused", message: null });
  });
});

describe("409 page_left: a part on a page left in sequential navigation", () => {
  test("is refused with the server's message and never sent again, however long the page stays open", async () => {
    const { queue, clock, server, view } = makeQueue();
    queue.edit("q2a", "903400");
    await clock.advance(PAUSE_MS);
    const message = "Question 2a is on a page you have moved on from; answers there can no longer be changed.";
    await server.reply(409, { ok: false, error: "page_left", message: message });
    assert.deepEqual(view.statusOf("q2a"), { kind: "refused", message: message });
    assert.equal(view.count("connection"), 0, "not a lost connection");
    assert.equal(view.count("closed"), 0, "the attempt itself is still open");
    await clock.advance(MAX_RETRY_MS * 4);
    assert.equal(server.requests.length, 1);
  });
});

describe("401, 403, 404, 5xx and offline: kept and sent again", () => {
  const failures = [
    [401, "login", { ok: false, error: "login", message: "Your session has expired." }],
    [403, "forbidden", null],
    [404, "not_found", { ok: false, error: "not_found", message: "There is no such attempt of yours." }],
    [500, "server", null],
    [502, "server", null],
    [0, "offline", null],
  ];
  for (const [status, kind, body] of failures) {
    test(`${status || "no reply"}: the page is told (${kind}), the answer kept, and sent again until it is saved`, async () => {
      const { queue, clock, server, view, journal } = makeQueue();
      queue.edit("q8b", "200");
      await clock.advance(PAUSE_MS);
      await server.reply(status, body);
      assert.deepEqual(view.last("connection"), [{ kind, status, message: body ? body.message : null }]);
      assert.equal(view.statusOf("q8b").kind, "unsent");
      assert.deepEqual(journal.entries().map((entry) => entry.text), ["200"]);
      await clock.advance(FIRST_RETRY_MS - 1);
      assert.equal(server.requests.length, 1);
      await clock.advance(1);
      assert.equal(server.requests.length, 2);
      assert.deepEqual(server.requests[1], server.requests[0], "the same save again: a harmless retry");
      await server.accept();
      assert.deepEqual(view.last("connection"), [null]);
      assert.equal(view.statusOf("q8b").kind, "saved");
      assert.deepEqual(journal.entries(), []);
    });
  }

  test("the back-off doubles from 2 s to 15 s, and a page back online retries at once", async () => {
    const { queue, clock, server } = makeQueue();
    queue.edit("q8b", "200");
    await clock.advance(PAUSE_MS);
    const gaps = [];
    let last = clock.now();
    for (let round = 0; round < 6; round += 1) {
      await server.reply(0);
      while (server.outstanding === 0) {
        await clock.advance(100);
      }
      gaps.push(clock.now() - last);
      last = clock.now();
    }
    assert.deepEqual(gaps, [2000, 4000, 8000, 15000, 15000, 15000]);
    await server.reply(0);
    queue.resume();
    assert.equal(server.outstanding, 1, "resumed without waiting for the back-off");
  });

  test("a rejected request (fetch failing) counts as offline", async () => {
    const { queue, clock, server, view } = makeQueue();
    queue.edit("q8b", "200");
    await clock.advance(PAUSE_MS);
    await server.drop();
    assert.equal(view.last("connection")[0].kind, "offline");
    await clock.advance(FIRST_RETRY_MS);
    assert.equal(server.outstanding, 1);
  });

  test("a save never answered counts as lost after the timeout, and is sent again", async () => {
    const { queue, clock, server, view } = makeQueue();
    queue.edit("q8b", "200");
    await clock.advance(PAUSE_MS);
    await clock.advance(SAVE_TIMEOUT_MS);
    assert.equal(view.last("connection")[0].kind, "offline");
    await clock.advance(FIRST_RETRY_MS);
    assert.equal(server.requests.length, 2);
  });

  test("edits typed while saves fail are all sent, oldest first, once the server is back", async () => {
    const { queue, clock, server } = makeQueue();
    queue.edit("q2a", "903400");
    await clock.advance(PAUSE_MS);
    await server.reply(0);
    queue.edit("q8b", "200");
    queue.edit("q2b", "12.6 MB");
    assert.deepEqual(queue.unsaved().map((part) => part.reason), ["offline", "offline", "offline"]);
    await clock.advance(FIRST_RETRY_MS);
    await server.accept();
    await server.accept();
    await server.accept();
    assert.deepEqual(server.requests.map((request) => request.part), ["q2a", "q2a", "q8b", "q2b"]);
    assert.deepEqual(queue.unsaved(), []);
  });

  test("an edit typed while a save fails replaces it, over the same stored answer", async () => {
    const { queue, clock, server } = makeQueue();
    queue.edit("q2a", "9");
    await clock.advance(PAUSE_MS);
    queue.edit("q2a", "903400");
    await server.reply(0);
    await clock.advance(FIRST_RETRY_MS);
    assert.deepEqual([server.requests[1].text, server.requests[1].sequence], ["903400", 1]);
  });

  test("a view that throws does not stop the saves", async () => {
    const { queue, clock, server, view } = makeQueue();
    view.partStatus = () => {
      throw new Error("broken page");
    };
    queue.edit("q2a", "1");
    await clock.advance(PAUSE_MS);
    await server.reply(500);
    await clock.advance(FIRST_RETRY_MS);
    await server.accept();
    assert.equal(queue.parts.get("q2a").known.text, "1");
    assert.ok(view.count("error") > 0);
  });
});

describe("409 closed", () => {
  test("the attempt was submitted: stop, forget what cannot be saved, link to the result", async () => {
    const { queue, clock, server, view, journal } = makeQueue();
    queue.edit("q2a", "1");
    queue.edit("q8b", "200");
    await clock.advance(PAUSE_MS);
    await server.reply(409, { ok: false, error: "closed", message: "This attempt has been submitted.", result_url: "/attempts/7/result/" });
    assert.deepEqual(view.last("closed"), [{ message: "This attempt has been submitted.", resultUrl: "/attempts/7/result/" }]);
    assert.deepEqual(journal.entries(), []);
    queue.edit("q2a", "2");
    await clock.advance(MAX_RETRY_MS * 2);
    assert.equal(server.requests.length, 1);
  });
});

describe("409 stale", () => {
  const stale = {
    ok: false,
    error: "stale",
    message: "Question 8b was changed in another window or device after this answer was typed.",
    sequence: 2,
    stored: { text: "512", sequence: 2, saved_at: "2026-11-25T14:05:01+00:00", message: null },
  };

  test("a newer answer from another window is shown instead, with the text it replaced", async () => {
    const { queue, clock, server, view, journal } = makeQueue();
    queue.edit("q8b", "25088");
    await clock.advance(PAUSE_MS);
    await server.reply(409, stale);
    assert.deepEqual(view.last("showText"), ["q8b", "512"]);
    assert.deepEqual(view.last("known"), ["q8b", { text: "512", sequence: 2, savedAt: "2026-11-25T14:05:01+00:00" }]);
    assert.deepEqual(view.statusOf("q8b"), { kind: "replaced", previous: "25088", savedAt: "2026-11-25T14:05:01+00:00" });
    assert.deepEqual(journal.entries(), []);
    assert.equal(view.count("otherWriter"), 1);
    queue.edit("q8b", "5120");
    await clock.advance(PAUSE_MS);
    assert.equal(server.requests[1].sequence, 3, "the next edit is typed over the newer answer");
  });

  test("an edit typed here after the refused one is still sent: it is the newest keystroke", async () => {
    const { queue, clock, server, view } = makeQueue();
    queue.edit("q8b", "25088");
    await clock.advance(PAUSE_MS);
    queue.edit("q8b", "250880");
    await server.reply(409, stale);
    assert.equal(view.count("showText"), 0, "the text being typed is not replaced");
    await clock.advance(PAUSE_MS);
    assert.deepEqual([server.requests[1].text, server.requests[1].sequence], ["250880", 1]);
    assert.ok(server.requests[1].editedAt > server.requests[0].editedAt);
  });
});

describe("other windows, the journal and reloads", () => {
  test("a reload restores the journal's unsent answers and sends them at once", async () => {
    const storage = new MemoryStorage();
    const first = makeQueue({ storage });
    first.queue.edit("q2a", "903400");
    first.queue.edit("q8b", "200");
    first.queue.edit("q2b", "12 MB");
    assert.equal(storage.length, 2);

    const second = makeQueue({ storage });
    assert.deepEqual(second.queue.restore(), ["q2a", "q8b"]);
    assert.deepEqual(second.view.calls.showText, [["q2a", "903400"], ["q8b", "200"]]);
    assert.deepEqual(second.view.statusOf("q2a"), { kind: "saving", restored: true });
    assert.deepEqual(second.view.statusOf("q8b"), { kind: "restored" });
    await second.clock.advance(0);
    assert.equal(second.server.requests.length, 1, "sent without waiting for a pause");
    await second.server.accept();
    await second.server.accept();
    assert.equal(storage.length, 0);
  });

  test("a journal entry the server already holds is dropped, not sent", async () => {
    const storage = new MemoryStorage();
    makeQueue({ storage }).queue.edit("q2b", "12.6 MB");
    const parts = [{ key: "q2b", text: "12.6 MB", sequence: 4, savedAt: null }];
    const { queue, server } = makeQueue({ storage, parts });
    assert.deepEqual(queue.restore(), []);
    assert.equal(server.requests.length, 0);
    assert.equal(storage.length, 0);
  });

  test("an entry never claims a sequence beyond the server's", async () => {
    const storage = new MemoryStorage();
    storage.setItem("convquiz:attempt:7:q2a", JSON.stringify({ text: "1", base: 99, editedAt: 5 }));
    const { queue, clock, server } = makeQueue({ storage });
    queue.restore();
    await clock.advance(0);
    assert.equal(server.requests[0].sequence, 1);
  });

  test("another window's newer answer is shown where nothing is being typed, never over an unsent edit", () => {
    const { queue, view } = makeQueue();
    queue.applyServer("q2b", { text: "14 MB", sequence: 5, saved_at: "2026-11-25T14:06:00+00:00", message: null });
    assert.deepEqual(view.last("showText"), ["q2b", "14 MB"]);
    assert.equal(view.statusOf("q2b").kind, "updated");
    queue.applyServer("q2b", { text: "13 MB", sequence: 4, saved_at: null, message: null });
    assert.equal(view.count("showText"), 1, "an older answer is old news");
    queue.edit("q2a", "1");
    queue.applyServer("q2a", { text: "2", sequence: 1, saved_at: null, message: null });
    assert.equal(view.count("showText"), 1);
    assert.equal(queue.parts.get("q2a").pending.text, "1");
  });
});

describe("settling before a submit", () => {
  test("resolves with nothing unsaved once every edit is acknowledged", async () => {
    const { queue, server } = makeQueue();
    queue.edit("q2a", "1");
    const settled = queue.settle(10_000);
    assert.equal(server.outstanding, 1, "sent at once, without the pause");
    await server.accept();
    assert.deepEqual(await settled, []);
  });

  test("names the answers still unsaved when the time allowed runs out", async () => {
    const { queue, clock, server } = makeQueue();
    queue.edit("q2a", "1");
    const settled = queue.settle(5_000);
    await server.reply(0);
    let result = null;
    settled.then((value) => (result = value));
    await clock.advance(5_000);
    assert.deepEqual(result, [{ key: "q2a", text: "1", reason: "offline" }]);
  });

  test("resolves at once when the attempt is closed", async () => {
    const { queue } = makeQueue();
    queue.close({ message: "Submitted", result_url: "/r/" });
    assert.equal(Array.isArray(await queue.settle(60_000)), true);
  });
});
