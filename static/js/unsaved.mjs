/* Why an answer is not on the server yet, in the student's words (the attempt and submit pages). */

const REASONS = {
  offline: "not sent yet: the connection is lost",
  login: "not sent yet: log in again",
  forbidden: "not sent yet: the server refused it",
  not_found: "not sent yet: the server did not find this attempt",
  server: "not sent yet: the server could not save it",
  sending: "still being sent",
};

/** One entry of SaveQueue.unsaved(): {key, text, reason, message}. */
export function reasonText(part) {
  if (part.reason === "refused") {
    return "not saved: " + (part.message || "the server refused it");
  }
  return REASONS[part.reason] || REASONS.server;
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
