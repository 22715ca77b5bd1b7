/* The attempt page's countdown. The server's clock decides the deadline; the page only shows it. */

import { gettext } from "./i18n.mjs";

// Announced once each, politely, when the time left first falls to them (a throttled tab may skip the exact second).
const WARNINGS = [
  [300, () => gettext("5 minutes left.")],
  [60, () => gettext("1 minute left.")],
];

function pad(number) {
  return String(number).padStart(2, "0");
}

/**
 * Count down to `deadline` (ms, server clock) in the timer card, announcing the last
 * minutes; `serverNow()` tells the server's time; `onTimeUp()` runs once at zero.
 */
export function startCountdown({ card, deadline, serverNow, onTimeUp }) {
  const value = card.querySelector("#timer-value");
  const announcer = card.querySelector("#timer-announcer");
  let interval = null;
  let previous = null;

  function tick() {
    const remaining = deadline - serverNow();
    if (remaining <= 0) {
      clearInterval(interval);
      value.textContent = "0:00";
      card.classList.add("timer-danger");
      onTimeUp();
      return;
    }
    const left = Math.ceil(remaining / 1000);
    const hours = Math.floor(left / 3600);
    const minutes = Math.floor((left % 3600) / 60);
    const seconds = left % 60;
    value.textContent = (hours ? hours + ":" + pad(minutes) : minutes) + ":" + pad(seconds);
    card.classList.toggle("timer-warning", left <= 300 && left > 60);
    card.classList.toggle("timer-danger", left <= 60);
    const warning = WARNINGS.find(([at]) => previous !== null && previous > at && left <= at && left > at - 60);
    if (warning) {
      announcer.textContent = warning[1]();
    }
    previous = left;
  }

  interval = setInterval(tick, 1000);
  tick();
  return { announce: (text) => (announcer.textContent = text) };
}
