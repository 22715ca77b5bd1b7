/* The attempt page: answers saved as the student types, kept in the browser until the
 * server has them, the countdown, and a submit that waits for the last answers.
 *
 * The rules of saving live in save-queue.mjs; this module connects them to the page:
 * the inputs, what each part's status line and the alert say, the network (save-client.mjs),
 * the journal in localStorage (journal.mjs), and other windows of the same attempt, which
 * may have saved newer answers (a message between tabs, or the server's answers on focus), to parts
 * on this page or, for the navigator's counts (navigator.mjs), on other pages.
 */

import { AnswerField } from "./answer-field.mjs";
import { startCountdown } from "./countdown.mjs";
import { format, gettext } from "./i18n.mjs";
import { LocalJournal, browserStorage } from "./journal.mjs";
import { OtherPages, entryLabel } from "./navigator.mjs";
import { browserClock, getAnswers, postForm, postSave } from "./save-client.mjs";
import { SaveQueue } from "./save-queue.mjs";
import { unsavedList } from "./unsaved.mjs";

const form = document.getElementById("attempt-form");
const alertBox = document.getElementById("save-alert");
const announcer = document.getElementById("save-announcer");
const fields = new Map(Array.from(form.querySelectorAll(".part-answer"), (element) => [element.dataset.part, new AnswerField(element)]));
const urls = form.dataset;
const otherPages = new OtherPages(JSON.parse(urls.otherPageParts));
/* A window that has not asked for the server's answers for this long asks again when the student
 * goes to an answer: another window or device may have saved a newer one meanwhile. */
const SYNC_AFTER_MS = 5000;

// --- Small helpers for what the page shows -------------------------------------------------------

function text(value) {
  return document.createTextNode(value);
}

function element(tag, className, children) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  node.append(...(children || []));
  return node;
}

function link(href, label, newTab) {
  const anchor = element("a", "alert-link", [text(label)]);
  anchor.href = href;
  if (newTab) {
    anchor.target = "_blank";
    anchor.rel = "noopener";
  }
  return anchor;
}

/** A time from the server, in the student's own zone (local-time.js), like every time on the page. */
function clockTime(iso) {
  if (!iso) {
    return "";
  }
  const formatted = window.ConvQuizTime ? window.ConvQuizTime.format(iso, "H:i:s") : null;
  return formatted || iso;
}

function announce(message) {
  announcer.textContent = message;
}

function showAlert(tone, nodes) {
  alertBox.className = "alert alert-" + tone;
  alertBox.replaceChildren(...nodes);
  alertBox.hidden = false;
}

function hideAlert() {
  alertBox.hidden = true;
  alertBox.replaceChildren();
}

// --- Each part's status line ---------------------------------------------------------------------

function statusLine(status) {
  switch (status.kind) {
    case "saved":
      return ["saved", [text(format(gettext("Saved %(time)s"), { time: clockTime(status.savedAt) }))]];
    case "waiting":
      return ["unsaved", [text(gettext("Saving soon…"))]];
    case "saving":
      return ["saving", [text(status.restored ? gettext("Restored from this browser; sending…") : gettext("Saving…"))]];
    case "restored":
      return ["unsaved", [text(gettext("Restored from this browser; sending…"))]];
    case "unsent":
      return ["failed", [text(status.failure.kind === "login" ?
        gettext("Not saved yet: log in again; kept in this browser and sent again automatically.") :
        gettext("Not saved yet: kept in this browser and sent again automatically."))]];
    case "refused":
      return ["failed", [text(format(gettext("Not saved: %(reason)s"), { reason: status.message || gettext("the server refused this answer.") }))]];
    case "replaced": {
      const previous = element("details", "replaced-answer", [
        element("summary", null, [text(gettext("The answer this page had"))]),
        element("div", "answer-text answer-mono", [text(status.previous || gettext("(empty)"))]),
      ]);
      const replaced = status.savedAt ?
        format(gettext("A newer answer from another window or device (saved at %(time)s) replaced this page's; it is shown above."), { time: clockTime(status.savedAt) }) :
        gettext("A newer answer from another window or device (saved) replaced this page's; it is shown above.");
      return ["warning", [text(replaced + " "), previous]];
    }
    case "updated":
      return ["info", [text(status.savedAt ?
        format(gettext("Updated from another window or device (saved %(time)s)."), { time: clockTime(status.savedAt) }) :
        gettext("Updated from another window or device."))]];
    default:
      return [null, []];
  }
}

// --- The question navigator ----------------------------------------------------------------------

/** A question's parts answered: as typed here for this page's, as saved for another page's. */
function answeredIn(questionKey) {
  const parts = Array.from(fields.values()).filter((field) => field.question === questionKey);
  if (!parts.length) {
    return otherPages.count(questionKey);
  }
  return { answered: parts.filter((field) => field.answered).length, count: parts.length };
}

function updateNav(questionKey) {
  const nav = document.getElementById("nav-" + questionKey);
  if (nav) {
    const { answered, count } = answeredIn(questionKey);
    nav.classList.toggle("is-answered", answered === count);
    nav.classList.toggle("is-partial", answered > 0 && answered < count);
    nav.setAttribute("aria-label", entryLabel({
      number: nav.textContent.trim(), answered: answered, count: count, page: nav.dataset.page, closed: nav.classList.contains("is-closed"),
    }));
  }
  const badge = document.getElementById("bar-answered");
  if (badge) {
    const links = document.querySelectorAll(".question-link");
    badge.textContent = document.querySelectorAll(".question-link.is-answered").length + "/" + links.length;
  }
}

// --- When saving fails, and when the attempt closes ----------------------------------------------

function showFailure(failure) {
  if (failure.kind === "login") {
    showAlert("danger", [
      text(gettext("Your session has expired.") + " "),
      link(urls.loginUrl, gettext("Log in again"), true),
      text(" " + gettext("(in a new tab); your unsaved answers are kept in this browser and sent as soon as you are logged in.")),
    ]);
  } else {
    const reason = failure.kind === "offline" ? gettext("The connection to the server is lost.") :
      failure.message || format(gettext("The server could not save your answer (error %(status)s)."), { status: failure.status });
    showAlert("warning", [text(reason + " " + gettext("Keep working: your answers are kept in this browser and sent again automatically."))]);
  }
  announce(gettext("Your answers are not being saved right now."));
}

function closedNow(info) {
  form.querySelectorAll("input, textarea, button").forEach((input) => {
    input.disabled = true;
  });
  showAlert("info", [text((info.message || gettext("This attempt has been submitted.")) + " "), link(info.resultUrl || urls.resultUrl, gettext("See your result"), false)]);
  if (channel) {
    channel.postMessage({ closed: true, result_url: info.resultUrl || urls.resultUrl });
  }
}

function unsavedParts(unsaved) {
  const labelOf = (key) => (fields.has(key) ? fields.get(key).label : key);
  return unsavedList(unsaved, labelOf, (key) => "#part-" + key);
}

// --- Other windows of this attempt ---------------------------------------------------------------

const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("convquiz:attempt:" + urls.attempt) : null;
let syncing = null;
let lastSync = Date.now();

/** An answer the server holds (saved here, in another window or on another device): shown if newer. */
function learnAnswer(key, answer) {
  queue.applyServer(key, answer);
  const question = otherPages.apply(key, answer);
  if (question) {
    updateNav(question);
  }
}

/** Ask the server which answers it holds; apply newer ones (or learn the attempt was submitted). */
function sync() {
  if (!syncing) {
    lastSync = Date.now();
    syncing = getAnswers(urls.answersUrl).then((reply) => {
      const body = reply.body;
      if (reply.status !== 200 || !body) {
        return null;
      }
      if (!body.open) {
        queue.close({ message: gettext("This attempt has been submitted."), result_url: body.result_url });
      } else {
        Object.entries(body.answers).forEach(([key, answer]) => learnAnswer(key, answer));
      }
      return body;
    }).finally(() => {
      syncing = null;
    });
  }
  return syncing;
}

// --- The queue ----------------------------------------------------------------------------------

const view = {
  partStatus(key, status) {
    const [tone, nodes] = statusLine(status);
    fields.get(key).setStatus(tone, nodes);
  },
  showText(key, value) {
    const field = fields.get(key);
    field.text = value;
    updateNav(field.question);
  },
  parserMessage(key, message) {
    fields.get(key).setMessage(message);
  },
  connection(failure) {
    if (failure) {
      showFailure(failure);
    } else {
      hideAlert();
      announce("Connection restored.");
    }
  },
  closed: closedNow,
  known(key, known) {
    fields.get(key).setSequence(known.sequence);
  },
  saved(key, known) {
    if (channel) {
      channel.postMessage({ key: key, answer: { text: known.text, sequence: known.sequence, saved_at: known.savedAt, message: known.message } });
    }
  },
  otherWriter() {
    sync();
  },
  error(error) {
    console.error(error);
  },
};

const queue = new SaveQueue({
  parts: Array.from(fields.values(), (field) => ({
    key: field.key,
    text: field.renderedText,
    sequence: parseInt(field.element.dataset.sequence, 10) || 0,
    savedAt: field.element.dataset.savedAt || null,
  })),
  send: (save) => postSave(urls.saveUrl, save),
  journal: new LocalJournal(browserStorage(), urls.attempt),
  clock: browserClock,
  view: view,
  serverNow: Date.parse(urls.serverNow),
});

fields.forEach((field) => {
  // A browser that kept a field's text across a reload shows what the server has instead.
  if (field.text !== field.renderedText) {
    field.text = field.renderedText;
  }
  field.refresh();
});
queue.restore();
new Set(Array.from(fields.values(), (field) => field.question)).forEach(updateNav);

function onEdit(event) {
  const partElement = event.target.closest(".part-answer");
  const field = partElement && fields.get(partElement.dataset.part);
  if (!field || queue.closed) {
    return;
  }
  field.refresh();
  queue.edit(field.key, field.text);
  updateNav(field.question);
}

form.addEventListener("input", onEdit);
form.addEventListener("change", onEdit);
function syncIfStale(event) {
  if (event.target.closest(".part-answer") && Date.now() - lastSync > SYNC_AFTER_MS) {
    sync();
  }
}
form.addEventListener("focusin", syncIfStale);
form.addEventListener("pointerdown", syncIfStale);
window.addEventListener("online", () => queue.resume());
window.addEventListener("focus", () => {
  queue.resume();
  sync();
});
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") {
    queue.resume();
    sync();
  }
});
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) {
    return;
  }
  // Back from another page through the browser's cache: this copy may be long out of date.
  sync().then((body) => {
    if (body && !body.open) {
      window.location.replace(body.result_url);
    }
  });
  queue.resume();
});
if (channel) {
  channel.addEventListener("message", (event) => {
    const data = event.data || {};
    if (data.closed) {
      queue.close({ message: gettext("This attempt has been submitted in another window."), result_url: data.result_url });
    } else if (data.key && data.answer) {
      learnAnswer(data.key, data.answer);
    }
  });
}

// --- The Save and Finish buttons ------------------------------------------------------------------

const SETTLE_MS = 10000;
const saveButton = document.getElementById("save-button");
const finishButton = document.getElementById("finish-button");

saveButton.addEventListener("click", async (event) => {
  // Every answer is already on its way: send what is left without reloading the page.
  event.preventDefault();
  saveButton.disabled = true;
  const unsaved = await queue.settle(SETTLE_MS);
  saveButton.disabled = false;
  if (!unsaved.length && !queue.closed) {
    announce(gettext("All your answers are saved."));
    saveButton.textContent = gettext("All answers saved");
    setTimeout(() => {
      saveButton.textContent = gettext("Save answers");
    }, 2000);
  } else if (unsaved.length && !queue.closed) {
    showAlert("warning", [text(gettext("Not every answer is saved yet:")), unsavedParts(unsaved)]);
  }
});

finishButton.addEventListener("click", async (event) => {
  // The confirmation lists what the server holds: send the last answers first.
  event.preventDefault();
  finishButton.disabled = true;
  announce(gettext("Saving your answers before you submit…"));
  const unsaved = await queue.settle(SETTLE_MS);
  finishButton.disabled = false;
  if (queue.closed) {
    return;
  }
  if (!unsaved.length) {
    window.location.assign(urls.submitUrl);
    return;
  }
  showAlert("warning", [
    text(gettext("Before you submit: these answers are not saved, so submitting now would leave them out.")),
    unsavedParts(unsaved),
    text(gettext("They are sent again automatically.") + " "),
    link(urls.submitUrl, gettext("Go to the submit page anyway"), false),
  ]);
  alertBox.scrollIntoView({ block: "nearest" });
});

// --- Moving to another page ---------------------------------------------------------------------

/* Previous, Next and the navigator's links to other pages first send every answer typed here: the
 * other page holds other questions, so an answer left unsent would wait for the student to come back
 * (and with sequential navigation the server refuses it once the page is left). */
const pageForm = document.getElementById("page-form");

async function leavePage(go) {
  announce(gettext("Saving your answers before moving on…"));
  const unsaved = await queue.settle(SETTLE_MS);
  if (queue.closed) {
    return;
  }
  if (!unsaved.length) {
    go();
    return;
  }
  showAlert("warning", [text(gettext("Not every answer is saved yet:")), unsavedParts(unsaved),
    text(gettext("Try again once they are saved; they are sent again automatically."))]);
  alertBox.scrollIntoView({ block: "nearest" });
}

form.querySelectorAll(".page-button").forEach((button) => {
  button.addEventListener("click", async (event) => {
    event.preventDefault();
    button.disabled = true;
    await leavePage(() => {
      pageForm.elements.to_page.value = button.value;
      pageForm.submit();
    });
    button.disabled = false;
  });
});

document.querySelectorAll(".question-link.other-page").forEach((anchor) => {
  anchor.addEventListener("click", (event) => {
    event.preventDefault();
    leavePage(() => window.location.assign(anchor.href));
  });
});

// --- Checking an answer (quizzes for practice) ---------------------------------------------------

function checkNote(box, message) {
  box.replaceChildren(element("p", "small text-body-secondary mb-0 mt-2 check-note", [text(message)]));
}

/** Save the part's answer if it is not yet, then ask the server whether it is right (it counts the try). */
async function checkPart(button) {
  const field = fields.get(button.dataset.part);
  const box = field.element.querySelector(".check-box");
  if (!field.text.trim()) {
    checkNote(box, gettext("Type an answer first, then check it."));
    return;
  }
  button.disabled = true;
  try {
    const unsaved = await queue.settle(SETTLE_MS);
    if (queue.closed) {
      return;
    }
    if (unsaved.some((item) => item.key === field.key)) {
      checkNote(box, gettext("This answer is not saved yet, so it cannot be checked; try again in a moment."));
      return;
    }
    const sequence = parseInt(field.element.dataset.sequence, 10) || 1;
    const reply = await postSave(urls.checkUrl, { part: field.key, text: field.text, sequence: sequence, editedAt: queue.serverNow() });
    const body = reply.body || {};
    if (reply.status === 200 && body.ok) {
      queue.applyServer(field.key, { text: field.text, sequence: body.sequence, saved_at: body.saved_at, message: body.message });
      box.innerHTML = body.html;
    } else if (body.error === "closed") {
      queue.close({ message: body.message, result_url: body.result_url });
    } else if (reply.status === 0) {
      checkNote(box, gettext("The server could not be reached, so the answer was not checked; try again in a moment."));
    } else {
      checkNote(box, body.message || format(gettext("The answer could not be checked (error %(status)s)."), { status: reply.status }));
    }
  } finally {
    button.disabled = Boolean(queue.closed);
  }
}

/** Ask for the part's next hint (it costs the quiz's hint penalty); the reply shows the hints so far. */
async function askHint(button) {
  const field = fields.get(button.dataset.part);
  const box = field.element.querySelector(".check-box");
  button.disabled = true;
  const body = new URLSearchParams({ part: field.key });
  const reply = await postForm(urls.hintUrl, body);
  const answer = reply.body || {};
  if (reply.status === 200 && answer.ok) {
    box.innerHTML = answer.html;
    const newest = box.querySelector(".hint:last-child");
    if (newest) {
      announce(newest.textContent);
    }
  } else if (answer.error === "closed") {
    queue.close({ message: answer.message, result_url: answer.result_url });
  } else {
    button.disabled = false;
    checkNote(box, answer.message || format(gettext("No hint could be shown (error %(status)s)."), { status: reply.status }));
  }
}

form.querySelectorAll(".check-button").forEach((button) => {
  button.addEventListener("click", () => checkPart(button));
});
// Hint buttons come and go with each reply: one listener for all of them.
form.addEventListener("click", (event) => {
  const button = event.target.closest(".hint-button");
  if (button) {
    askHint(button);
  }
});

// On a phone the question navigator is a panel over the page: close it on the way to a question.
const panel = document.getElementById("question-panel");
panel.addEventListener("click", (event) => {
  if (event.target.closest(".question-link") && window.bootstrap && panel.classList.contains("show")) {
    window.bootstrap.Offcanvas.getOrCreateInstance(panel).hide();
  }
});

// --- Time running out ---------------------------------------------------------------------------

const timerCard = document.getElementById("timer");
if (timerCard && timerCard.dataset.deadline) {
  const deadline = Date.parse(timerCard.dataset.deadline);
  const graceEnd = deadline + (parseInt(urls.graceSeconds, 10) || 0) * 1000;
  const countdown = startCountdown({
    card: timerCard,
    deadline: deadline,
    serverNow: () => queue.serverNow(),
    onTimeUp: async () => {
      countdown.announce(gettext("Time is up. Your answers are being submitted."));
      fields.forEach((field) => field.lock());
      // The server still takes saves for the grace period: use it for the last ones, keeping a margin.
      const unsaved = await queue.settle(Math.max(SETTLE_MS, graceEnd - queue.serverNow() - 5000));
      if (queue.closed) {
        return;
      }
      if (!unsaved.length) {
        document.getElementById("time-up-form").submit();
        return;
      }
      const submit = element("button", "btn btn-primary btn-sm ms-1", [text(gettext("See your result"))]);
      submit.type = "submit";
      submit.setAttribute("form", "time-up-form");
      showAlert("danger", [
        text(gettext("Time is up. These answers could not be saved, so they are not part of your submission:")),
        unsavedParts(unsaved),
        text(gettext("Your attempt is submitted with the answers saved before.")),
        submit,
      ]);
    },
  });
}

// Typing before this point would not be saved; tests (and styles) can wait for it.
form.dataset.ready = "true";
