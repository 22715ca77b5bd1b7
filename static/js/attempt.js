/* The attempt page: saves each answer as the student types, keeps unsent answers, counts down.
 *
 * htmx sends a save per part (debounced by hx-trigger, one at a time per part by hx-sync);
 * this script decides what each save carries (the part's key, its text, its sequence
 * number) and what its reply means (docs/save-contract.md). Answers the server has not
 * acknowledged are kept in localStorage and sent again, oldest first, once the
 * connection (or the login) is back, also after a reload.
 */
(function () {
  "use strict";

  const STORAGE_PREFIX = "convquiz:attempt:";

  const closed = document.getElementById("attempt-closed");
  if (closed) {
    // A submitted attempt's unsent answers can never be saved: forget them.
    localStorage.removeItem(STORAGE_PREFIX + closed.dataset.attempt);
  }

  const form = document.getElementById("attempt-form");
  if (!form || !window.htmx) {
    return;
  }

  const storageKey = STORAGE_PREFIX + form.dataset.attempt;
  const alertBox = document.getElementById("save-alert");
  const announcer = document.getElementById("save-announcer");
  const parts = new Map();
  let recovering = false;
  let retryDelay = 0;
  let retryTimer = null;
  let chainBusy = false;
  let attemptClosed = false;

  // --- Reading and writing a part's answer ---------------------------------------------------

  function radios(el) {
    return el.querySelectorAll("input[type=radio]");
  }

  function currentText(el) {
    if (radios(el).length) {
      const checked = el.querySelector("input[type=radio]:checked");
      return checked ? checked.value : "";
    }
    return el.querySelector(".answer-input").value;
  }

  function renderedText(el) {
    if (radios(el).length) {
      const checked = Array.from(radios(el)).find((radio) => radio.defaultChecked);
      return checked ? checked.value : "";
    }
    return el.querySelector(".answer-input").defaultValue;
  }

  function setText(el, text) {
    if (radios(el).length) {
      radios(el).forEach((radio) => { radio.checked = radio.value === text; });
    } else {
      el.querySelector(".answer-input").value = text;
    }
  }

  // --- Local copy of what the server has not acknowledged ------------------------------------

  function loadLocal() {
    try {
      return JSON.parse(localStorage.getItem(storageKey)) || {};
    } catch (error) {
      return {};
    }
  }

  function persist() {
    const data = {};
    parts.forEach((state, key) => {
      data[key] = { sent: state.sent, pending: state.pending };
    });
    try {
      localStorage.setItem(storageKey, JSON.stringify(data));
    } catch (error) {
      // Private browsing or a full storage: saving to the server still works.
    }
  }

  // --- What the student sees -----------------------------------------------------------------

  function setStatus(state, kind, text) {
    const status = state.el.querySelector(".save-status");
    status.replaceChildren();
    const span = document.createElement("span");
    span.className = { saved: "text-success", saving: "text-body-secondary", unsaved: "text-body-secondary",
      failed: "text-danger fw-semibold", warning: "text-warning-emphasis fw-semibold" }[kind];
    span.textContent = text;
    status.appendChild(span);
    status.dataset.state = kind;
  }

  function setMessage(state, message) {
    const box = state.el.querySelector(".answer-message");
    const input = state.el.querySelector(".answer-input");
    if (!box || !input) {
      return;
    }
    box.textContent = message || "";
    box.hidden = !message;
    input.classList.toggle("is-invalid", Boolean(message));
    if (message) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  }

  function showAlert(kind, nodes) {
    alertBox.className = "alert alert-" + kind;
    alertBox.replaceChildren(...nodes);
    alertBox.hidden = false;
  }

  function hideAlert() {
    alertBox.hidden = true;
    alertBox.replaceChildren();
  }

  function link(href, text, newTab) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    a.className = "alert-link";
    if (newTab) {
      a.target = "_blank";
      a.rel = "noopener";
    }
    return a;
  }

  function announce(text) {
    announcer.textContent = text;
  }

  function updateNav(questionKey) {
    const nav = document.getElementById("nav-" + questionKey);
    if (!nav) {
      return;
    }
    const all = Array.from(parts.values()).filter((state) => state.el.dataset.question === questionKey);
    const answered = all.filter((state) => currentText(state.el).trim() !== "").length;
    nav.classList.toggle("is-answered", answered === all.length);
    nav.classList.toggle("is-partial", answered > 0 && answered < all.length);
    nav.setAttribute("aria-label", "Question " + nav.textContent.trim() + ": " + answered + " of " + all.length + " answered");
  }

  // --- Sending -------------------------------------------------------------------------------

  function csrfToken() {
    // Read on every save: logging in again gives a new token.
    const cookie = document.cookie.split("; ").find((item) => item.startsWith("csrftoken="));
    return cookie ? decodeURIComponent(cookie.split("=")[1]) : form.querySelector("[name=csrfmiddlewaretoken]").value;
  }

  function oldestPending() {
    let oldest = null;
    parts.forEach((state) => {
      if (state.pending && !state.inflight && (!oldest || state.pending.at < oldest.pending.at)) {
        oldest = state;
      }
    });
    return oldest;
  }

  /* Send unsent answers one at a time, oldest first; stops at the first failure. */
  function sendPending() {
    if (chainBusy || attemptClosed) {
      return;
    }
    const next = oldestPending();
    if (!next) {
      return;
    }
    chainBusy = true;
    next.chained = true;
    htmx.trigger(next.el, "cq:resend");
  }

  function scheduleRetry() {
    clearTimeout(retryTimer);
    retryDelay = Math.min(retryDelay ? retryDelay * 2 : 2000, 15000);
    retryTimer = setTimeout(sendPending, retryDelay);
  }

  function onInput(event) {
    const el = event.target.closest(".part-answer");
    const state = el && parts.get(el.dataset.part);
    if (!state || attemptClosed) {
      return;
    }
    const text = currentText(el);
    if (state.pending && state.pending.text === text) {
      return;
    }
    if (text === state.saved.text && !state.inflight) {
      state.pending = null;
      if (state.saved.at) {
        setStatus(state, "saved", "Saved " + state.saved.at);
      } else {
        state.el.querySelector(".save-status").replaceChildren();
      }
    } else {
      state.pending = { text: text, seq: null, at: Date.now() };
      setStatus(state, "unsaved", recovering ? "Not saved yet: waiting for the connection" : "Saving soon…");
    }
    persist();
    updateNav(el.dataset.question);
  }

  function configure(event) {
    const state = parts.get(event.detail.elt.dataset && event.detail.elt.dataset.part);
    if (!state) {
      return;
    }
    const chained = state.chained;
    state.chained = false;
    // While saves are failing, only the chain sends, so that answers arrive in order.
    if (!state.pending || attemptClosed || (recovering && !chained)) {
      event.preventDefault();
      if (chained) {
        chainBusy = false;
      }
      return;
    }
    if (state.pending.seq === null) {
      state.pending.seq = Math.max(state.saved.seq, state.sent) + 1;
    }
    state.sent = Math.max(state.sent, state.pending.seq);
    state.inflight = { text: state.pending.text, seq: state.pending.seq, chained: chained };
    persist();
    event.detail.parameters = { part: state.key, text: state.inflight.text, sequence: String(state.inflight.seq) };
    event.detail.headers["X-CSRFToken"] = csrfToken();
    setStatus(state, "saving", "Saving…");
  }

  function reply(xhr) {
    try {
      return JSON.parse(xhr.responseText);
    } catch (error) {
      return {};
    }
  }

  function onReply(event) {
    const state = parts.get(event.detail.elt.dataset && event.detail.elt.dataset.part);
    if (!state || !state.inflight) {
      return;
    }
    const sent = state.inflight;
    state.inflight = null;
    if (sent.chained) {
      chainBusy = false;
    }
    const xhr = event.detail.xhr;
    const body = reply(xhr);
    if (xhr.status === 200 && body.ok) {
      saved(state, sent, body);
    } else if (xhr.status === 409 && body.error === "closed") {
      closedNow(body);
    } else if (xhr.status === 409) {
      stale(state, sent, body);
    } else if (xhr.status === 400) {
      refused(state, sent, body);
    } else {
      failed(state, xhr.status, body);
      return;
    }
    persist();
    if (recovering && !oldestPending()) {
      recovered();
    } else if (recovering || sent.chained) {
      sendPending();
    }
  }

  function saved(state, sent, body) {
    // Shown in the student's time zone, like every other time on the page (local-time.js).
    const at = window.ConvQuizTime ? window.ConvQuizTime.format(body.saved_at, "H:i:s") : body.saved_at_display;
    state.saved = { text: sent.text, seq: body.sequence, at: at };
    state.el.dataset.sequence = body.sequence;
    state.el.querySelector(".part-sequence").value = body.sequence;
    if (state.pending && state.pending.seq === sent.seq) {
      state.pending = null;
    }
    if (!state.pending) {
      setStatus(state, "saved", "Saved " + at);
    }
    setMessage(state, body.message);
    retryDelay = 0;
  }

  function stale(state, sent, body) {
    // Another window saved a newer answer: keep the server's, and say so.
    state.saved.seq = Math.max(state.saved.seq, body.sequence || 0);
    state.sent = Math.max(state.sent, state.saved.seq);
    if (state.pending && state.pending.seq === sent.seq) {
      state.pending = null;
    }
    setStatus(state, "warning", "A newer answer was saved in another window. Reload the page to see it.");
  }

  function refused(state, sent, body) {
    if (state.pending && state.pending.seq === sent.seq) {
      state.pending = null;
    }
    setStatus(state, "failed", "Not saved: " + (body.message || "the server refused this answer."));
  }

  function failed(state, status, body) {
    recovering = true;
    parts.forEach((each) => {
      if (each.pending && !each.inflight) {
        setStatus(each, "failed", "Not saved yet: kept in this browser and sent again automatically.");
      }
    });
    if (status === 401) {
      showAlert("danger", [
        document.createTextNode("Your session has expired. "),
        link(form.dataset.loginUrl, "Log in again", true),
        document.createTextNode(" (in a new tab); your unsaved answers are kept in this browser and sent as soon as you are logged in."),
      ]);
    } else {
      const reason = status === 0 ? "The connection to the server is lost." :
        (body.message || "The server could not save your answer (error " + status + ").");
      showAlert("warning", [document.createTextNode(reason +
        " Keep working: your answers are kept in this browser and sent again automatically.")]);
    }
    announce("Your answers are not being saved right now.");
    persist();
    scheduleRetry();
  }

  function recovered() {
    recovering = false;
    retryDelay = 0;
    clearTimeout(retryTimer);
    hideAlert();
    announce("Connection restored: all your answers are saved.");
  }

  function closedNow(body) {
    attemptClosed = true;
    clearTimeout(retryTimer);
    localStorage.removeItem(storageKey);
    form.querySelectorAll("input, textarea, button").forEach((input) => { input.disabled = true; });
    showAlert("info", [
      document.createTextNode((body.message || "This attempt has been submitted.") + " "),
      link(body.result_url || form.dataset.resultUrl, "See your result", false),
    ]);
  }

  // --- Start: restore unsent answers, wire the events ----------------------------------------

  const local = loadLocal();
  form.querySelectorAll(".part-answer").forEach((el) => {
    const key = el.dataset.part;
    const serverSeq = parseInt(el.dataset.sequence, 10) || 0;
    const stored = local[key] || {};
    const state = {
      key: key,
      el: el,
      saved: { text: renderedText(el), seq: serverSeq, at: null },
      sent: Math.max(serverSeq, stored.sent || 0),
      pending: null,
      inflight: null,
      chained: false,
    };
    const timeElement = el.querySelector(".save-status time");
    if (timeElement) {
      state.saved.at = timeElement.textContent;
    }
    // An unsent answer typed on this page is newer than the server's unless another
    // window saved past every sequence number this page ever used.
    if (stored.pending && stored.pending.text !== state.saved.text && serverSeq <= (stored.sent || 0)) {
      state.pending = { text: stored.pending.text, seq: null, at: stored.pending.at || Date.now() };
      setText(el, state.pending.text);
      setStatus(state, "unsaved", "Restored from this browser; sending…");
    } else if (currentText(el) !== state.saved.text) {
      // The browser restored a field on reload: show what the server has.
      setText(el, state.saved.text);
    }
    parts.set(key, state);
  });
  persist();
  new Set(Array.from(parts.values()).map((state) => state.el.dataset.question)).forEach(updateNav);

  form.addEventListener("input", onInput);
  form.addEventListener("change", onInput);
  // Typing before this point would not be saved; tests (and styles) can wait for it.
  form.dataset.ready = "true";
  document.body.addEventListener("htmx:configRequest", configure);
  document.body.addEventListener("htmx:afterRequest", onReply);
  window.addEventListener("online", sendPending);
  window.addEventListener("focus", sendPending);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      sendPending();
    }
  });

  const saveButton = document.getElementById("save-button");
  if (saveButton) {
    saveButton.addEventListener("click", (event) => {
      // With JavaScript every answer is already on its way: send what is left without reloading.
      event.preventDefault();
      if (oldestPending()) {
        sendPending();
      } else {
        announce("All your answers are saved.");
        saveButton.textContent = "All answers saved";
        setTimeout(() => { saveButton.textContent = "Save answers"; }, 2000);
      }
    });
  }
  sendPending();

  // --- Countdown -----------------------------------------------------------------------------

  const timer = document.getElementById("timer");
  if (!timer || !timer.dataset.deadline) {
    return;
  }
  const deadline = Date.parse(timer.dataset.deadline);
  // The server's clock decides; this page only corrects for the difference.
  const offset = Date.parse(timer.dataset.serverNow) - Date.now();
  const value = document.getElementById("timer-value");
  const timerAnnouncer = document.getElementById("timer-announcer");
  const warnings = { 300: "5 minutes left.", 60: "1 minute left." };

  function pad(number) {
    return String(number).padStart(2, "0");
  }

  function waitForSaves(limitMs) {
    const until = Date.now() + limitMs;
    return new Promise((resolve) => {
      (function check() {
        const busy = Array.from(parts.values()).some((state) => state.pending || state.inflight);
        if (!busy || Date.now() > until) {
          resolve();
          return;
        }
        sendPending();
        setTimeout(check, 200);
      })();
    });
  }

  function timeUp() {
    value.textContent = "0:00";
    timerAnnouncer.textContent = "Time is up. Your saved answers are being submitted.";
    form.querySelectorAll("input, textarea").forEach((input) => { input.readOnly = true; });
    recovering = false;
    waitForSaves(10000).then(() => {
      document.getElementById("time-up-form").submit();
    });
  }

  function tick() {
    const remaining = deadline - (Date.now() + offset);
    const left = Math.ceil(remaining / 1000);
    if (remaining <= 0) {
      clearInterval(interval);
      timeUp();
      return;
    }
    const hours = Math.floor(left / 3600);
    const minutes = Math.floor((left % 3600) / 60);
    const seconds = left % 60;
    value.textContent = (hours ? hours + ":" + pad(minutes) : minutes) + ":" + pad(seconds);
    timer.classList.toggle("timer-warning", left <= 300 && left > 60);
    timer.classList.toggle("timer-danger", left <= 60);
    if (warnings[left]) {
      timerAnnouncer.textContent = warnings[left];
    }
  }

  const interval = setInterval(tick, 1000);
  tick();
})();
