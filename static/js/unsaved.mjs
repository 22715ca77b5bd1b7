/* Why an answer is not on the server yet, in the student's words (the attempt and submit pages). */

import { format, gettext } from "./i18n.mjs";

const REASONS = {
  offline: () => gettext("not sent yet: the connection is lost"),
  login: () => gettext("not sent yet: log in again"),
  forbidden: () => gettext("not sent yet: the server refused it"),
  not_found: () => gettext("not sent yet: the server did not find this attempt"),
  server: () => gettext("not sent yet: the server could not save it"),
  sending: () => gettext("still being sent"),
};

/** One entry of SaveQueue.unsaved(): {key, text, reason, message}. */
export function reasonText(part) {
  if (part.reason === "refused") {
    return format(gettext("not saved: %(reason)s"), { reason: part.message || gettext("the server refused it") });
  }
  return (REASONS[part.reason] || REASONS.server)();
}

/** A list of unsaved parts, each a link to the part and the reason; `labelOf(key)` names the part. */
export function unsavedList(unsaved, labelOf, hrefOf) {
  const list = document.createElement("ul");
  list.className = "mb-2 unsaved-list";
  for (const part of unsaved) {
    const item = document.createElement("li");
    const anchor = document.createElement("a");
    anchor.className = "alert-link";
    anchor.href = hrefOf(part.key);
    anchor.textContent = labelOf(part.key);
    item.append(anchor, document.createTextNode(": " + reasonText(part)));
    list.append(item);
  }
  return list;
}
