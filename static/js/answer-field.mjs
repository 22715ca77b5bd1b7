/* One part of the attempt page: its input, and what is shown around it.
 *
 * The text (a box, the value of the checked radio button, or the values of the checked boxes
 * of a select-all part joined as "a, c"); the unit suffix, hidden
 * while the answer ends with a unit of the student's own; a character counter near the
 * limit; a box that grows with its text; the save status and the parser's message.
 */

import { format, formatNumber, gettext } from "./i18n.mjs";

/* A unit as the grader reads one: letters at the end of the answer (grader/parsing.py). */
const OWN_UNIT = /[A-Za-z]\s*$/;
/* The counter appears from this share of the limit on. */
const COUNTER_FROM = 0.9;
const GROWS_BY_ITSELF = typeof CSS !== "undefined" && CSS.supports && CSS.supports("field-sizing", "content");

/** Characters as the server counts them (code points), cheaply while far from the limit. */
function lengthOf(text, limit) {
  return text.length < limit * COUNTER_FROM ? text.length : Array.from(text).length;
}

/** The values of the checked inputs, as the server reads a selection: "a, c". */
function joined(inputs, isChecked) {
  return inputs.filter(isChecked).map((input) => input.value).join(", ");
}
export class AnswerField {
  constructor(element) {
    this.element = element;
    this.key = element.dataset.part;
    this.question = element.dataset.question;
    this.label = element.dataset.label;
    this.radios = Array.from(element.querySelectorAll("input[type=radio], input[type=checkbox]"));
    this.input = element.querySelector(".answer-input");
    this.unit = element.querySelector(".answer-unit");
    this.counter = element.querySelector(".answer-counter");
    this.statusBox = element.querySelector(".save-status");
    this.messageBox = element.querySelector(".answer-message");
    this.sequenceField = element.querySelector(".part-sequence");
    this.limit = this.input ? parseInt(this.input.dataset.maxLength, 10) || 0 : 0;
  }

  get text() {
    if (this.radios.length) {
      return joined(this.radios, (radio) => radio.checked);
    }
    return this.input.value;
  }

  set text(value) {
    if (this.radios.length) {
      const picked = new Set([value, ...value.split(",").map((key) => key.trim())]);
      this.radios.forEach((radio) => {
        radio.checked = picked.has(radio.value);
      });
    } else {
      this.input.value = value;
    }
    this.refresh();
  }

  /** The text the server sent with the page. */
  get renderedText() {
    if (this.radios.length) {
      return joined(this.radios, (radio) => radio.defaultChecked);
    }
    return this.input.defaultValue;
  }

  get answered() {
    return this.text.trim() !== "";
  }

  /** Bring the suffix, the counter and the box's height in line with the text. */
  refresh() {
    if (this.unit) {
      this.unit.hidden = OWN_UNIT.test(this.text);
      this.element.querySelector(".answer-group").classList.toggle("has-own-unit", this.unit.hidden);
    }
    this.count();
    this.grow();
  }

  count() {
    if (!this.counter || !this.limit) {
      return;
    }
    const length = lengthOf(this.text, this.limit);
    if (length < this.limit * COUNTER_FROM) {
      this.counter.hidden = true;
      return;
    }
    const over = length - this.limit;
    this.counter.hidden = false;
    this.counter.classList.toggle("is-over", over > 0);
    const values = { length: formatNumber(length), limit: formatNumber(this.limit), over: formatNumber(over) };
    this.counter.textContent = over > 0 ?
      format(gettext("%(length)s of %(limit)s characters: %(over)s too many. Shorten this answer; it cannot be saved as it is."), values) :
      format(gettext("%(length)s of %(limit)s characters."), values);
  }

  grow() {
    if (GROWS_BY_ITSELF || !this.input || this.input.tagName !== "TEXTAREA") {
      return;
    }
    // Browsers without `field-sizing` (style set through the DOM, which the CSP allows).
    this.input.style.height = "auto";
    this.input.style.height = this.input.scrollHeight + 2 + "px";
  }

  /** The line under the input: a tone (saved, saving, unsaved, failed, warning, info) and its content. */
  setStatus(tone, nodes) {
    this.statusBox.replaceChildren(...nodes);
    this.statusBox.dataset.state = tone || "";
    this.statusBox.className = "save-status small" + (tone ? " save-status-" + tone : "");
  }

  setMessage(message) {
    if (!this.messageBox || !this.input) {
      return;
    }
    this.messageBox.textContent = message || "";
    this.messageBox.hidden = !message;
    this.input.classList.toggle("is-invalid", Boolean(message));
    if (message) {
      this.input.setAttribute("aria-invalid", "true");
    } else {
      this.input.removeAttribute("aria-invalid");
    }
  }

  setSequence(sequence) {
    this.element.dataset.sequence = String(sequence);
    if (this.sequenceField) {
      this.sequenceField.value = String(sequence);
    }
  }

  lock() {
    if (this.input) {
      this.input.readOnly = true;
    }
    this.radios.forEach((radio) => {
      radio.disabled = true;
    });
  }
}
