/* The save contract over the network (docs/save-contract.md): a save, and the answers the server holds.
 *
 * Each call resolves to {status, body}: the HTTP status (0 when the server could not be
 * reached or did not answer in time) and the JSON body, or null when there is none.
 */

const TIMEOUT_MS = 15000;

/** The CSRF token, read at every request: logging in again (in another tab) gives a new one. */
export function csrfToken() {
  const cookie = document.cookie.split("; ").find((item) => item.startsWith("csrftoken="));
  if (cookie) {
    return decodeURIComponent(cookie.split("=")[1]);
  }
  const field = document.querySelector("[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

async function request(url, options) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const response = await fetch(url, {
      ...options,
      credentials: "same-origin",
      cache: "no-store",
      signal: controller.signal,
      // Refusals come back as JSON too, even Django's own (a request too large to read).
      headers: { ...options.headers, Accept: "application/json" },
    });
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      // An HTML error page (a proxy, a CSRF failure): the status says enough.
    }
    return { status: response.status, body: body };
  } catch (error) {
    return { status: 0, body: null };
  } finally {
    clearTimeout(timer);
  }
}

/** POST one save: {part, text, sequence, editedAt}. */
export function postSave(url, save) {
  const body = new URLSearchParams({
    part: save.part,
    text: save.text,
    sequence: String(save.sequence),
    edited_at: String(Math.max(0, Math.round(save.editedAt))),
  });
  return request(url, { method: "POST", body: body, headers: { "X-CSRFToken": csrfToken() } });
}

/** POST a form of other fields (a hint asked for), with the CSRF token. */
export function postForm(url, body) {
  return request(url, { method: "POST", body: body, headers: { "X-CSRFToken": csrfToken() } });
}

/** GET the attempt's answers as the server holds them (and whether it is still open). */
export function getAnswers(url) {
  return request(url, { method: "GET", headers: {} });
}

/** The page's own clock and timers, for the save queue. */
export const browserClock = {
  now: () => Date.now(),
  setTimeout: (callback, delay) => window.setTimeout(callback, delay),
  clearTimeout: (id) => window.clearTimeout(id),
};
