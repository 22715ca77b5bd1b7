/* The navigator's counts for other pages, kept current with the answers other windows save. */

import assert from "node:assert/strict";
import { test } from "node:test";

import { OtherPages, entryLabel } from "../../static/js/navigator.mjs";

function page2() {
  return new OtherPages({
    q5: { question: "q5", sequence: 0, answered: false },
    q6a: { question: "q6", sequence: 2, answered: true },
    q6b: { question: "q6", sequence: 0, answered: false },
  });
}

test("counts each question's parts answered as the page was rendered", () => {
  const pages = page2();
  assert.deepEqual(pages.count("q5"), { answered: 0, count: 1 });
  assert.deepEqual(pages.count("q6"), { answered: 1, count: 2 });
});

test("an answer saved elsewhere changes its question's count, and says which question", () => {
  const pages = page2();
  assert.equal(pages.apply("q5", { text: "[3.78, 1.22]", sequence: 1 }), "q5");
  assert.deepEqual(pages.count("q5"), { answered: 1, count: 1 });
  assert.equal(pages.apply("q6b", { text: "12", sequence: 1 }), "q6");
  assert.deepEqual(pages.count("q6"), { answered: 2, count: 2 });
});

test("an answer emptied elsewhere, or left blanks only, no longer counts", () => {
  const pages = page2();
  assert.equal(pages.apply("q6a", { text: "  \n", sequence: 3 }), "q6");
  assert.deepEqual(pages.count("q6"), { answered: 0, count: 2 });
});

test("a newer answer that leaves the count as it was changes no question", () => {
  const pages = page2();
  assert.equal(pages.apply("q6a", { text: "13", sequence: 3 }), null);
  assert.deepEqual(pages.count("q6"), { answered: 1, count: 2 });
});

test("an older answer arriving late never undoes a newer one", () => {
  const pages = page2();
  pages.apply("q6a", { text: "", sequence: 4 });
  assert.equal(pages.apply("q6a", { text: "13", sequence: 3 }), null);
  assert.equal(pages.apply("q6a", { text: "13", sequence: 4 }), null);
  assert.deepEqual(pages.count("q6"), { answered: 0, count: 2 });
});

test("a part of this page, or one the page does not know, is not counted here", () => {
  const pages = page2();
  assert.equal(pages.apply("q1a", { text: "903400", sequence: 1 }), null);
  assert.deepEqual(pages.count("q1"), { answered: 0, count: 0 });
});

test("with no other pages, nothing is counted", () => {
  const pages = new OtherPages({});
  assert.equal(pages.apply("q5", { text: "1", sequence: 1 }), null);
});

test("an entry's label names the page only for a question on another page, and says when it is closed", () => {
  assert.equal(entryLabel({ number: "4", answered: 1, count: 1 }), "Question 4: 1 of 1 answered");
  assert.equal(entryLabel({ number: "5", answered: 1, count: 1, page: "2", closed: false }), "Question 5 (page 2): 1 of 1 answered");
  assert.equal(
    entryLabel({ number: "1", answered: 0, count: 3, page: "1", closed: true }),
    "Question 1 (page 1, not open from here): 0 of 3 answered",
  );
});
