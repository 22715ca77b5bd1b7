/* The question navigator's counts for the questions on the attempt's other pages.
 *
 * A page shows only its own parts, so what the navigator says of the others comes from the
 * server: as the page was rendered, then from each answer another window of the attempt saves
 * (a message between tabs) or the server holds (its answers, read on focus). The newest
 * saved answer of a part wins, by its sequence; an answer counts once it is more than blanks.
 */

import { format, gettext } from "./i18n.mjs";

export class OtherPages {
  /** `parts`: {partKey: {question, sequence, answered}} for each part on another page. */
  constructor(parts) {
    this.parts = new Map(Object.entries(parts || {}).map(([key, part]) => [key, { ...part }]));
  }

  /** A saved answer {text, sequence} to a part: the key of the question whose count it changes, or null. */
  apply(key, answer) {
    const part = this.parts.get(key);
    if (!part || !(answer.sequence > part.sequence) || typeof answer.text !== "string") {
      return null;
    }
    part.sequence = answer.sequence;
    const answered = answer.text.trim() !== "";
    if (answered === part.answered) {
      return null;
    }
    part.answered = answered;
    return part.question;
  }

  /** How many of a question's parts are answered, and how many it has. */
  count(question) {
    const parts = Array.from(this.parts.values()).filter((part) => part.question === question);
    return { answered: parts.filter((part) => part.answered).length, count: parts.length };
  }
}

/** What a navigator entry says to a screen reader: `page` only for a question on another page. */
export function entryLabel({ number, answered, count, page, closed }) {
  const values = { number: number, answered: answered, count: count, on_page: page };
  if (!page) {
    return format(gettext("Question %(number)s: %(answered)s of %(count)s answered"), values);
  }
  return closed ?
    format(gettext("Question %(number)s (page %(on_page)s, not open from here): %(answered)s of %(count)s answered"), values) :
    format(gettext("Question %(number)s (page %(on_page)s): %(answered)s of %(count)s answered"), values);
}
