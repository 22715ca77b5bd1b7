/* The scripts' words in the page's language.
 *
 * Django's JavaScript catalog (served by the app at /i18n/catalog.js, loaded by base.html before
 * any module) defines the global gettext and ngettext. Without it (Node's tests, a catalog that
 * did not load) the English source text is used.
 */

const catalog = globalThis;

/** `text` in the page's language. */
export function gettext(text) {
  return typeof catalog.gettext === "function" ? catalog.gettext(text) : text;
}

/** The singular or plural of a message for `count`, in the page's language. */
export function ngettext(singular, plural, count) {
  if (typeof catalog.ngettext === "function") {
    return catalog.ngettext(singular, plural, count);
  }
  return count === 1 ? singular : plural;
}

/** Fills the named placeholders of a translated message: format("%(n)s left", {n: 3}). */
export function format(message, values) {
  return message.replace(/%\((\w+)\)s/g, (placeholder, name) => (name in values ? String(values[name]) : placeholder));
}

/** A number as the page's language writes it (1,234 or 1.234). */
export function formatNumber(number) {
  const language = typeof document !== "undefined" ? document.documentElement.lang : "en";
  return number.toLocaleString(language || "en");
}
