/* Times in the reader's own time zone.
 *
 * The server computes every deadline in UTC and renders times in its own zone inside
 * <time datetime="ISO 8601 with offset" data-format="H:i"> ({% local_time %}); this
 * script rewrites their text in the browser's zone, in the same format (the Django
 * format characters D j d M m Y H i s), and names the zone in a tooltip. Day and month
 * names follow the page's language (<html lang>). Without JavaScript the server's text stays.
 */
(function () {
  "use strict";

  const language = document.documentElement.lang || "en";
  const english = language.split("-")[0] === "en";
  // English names as Django writes them; any other language as the browser's Intl writes it.
  const DAYS = english ? ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] : names({ weekday: "short" }, 7, (i) => new Date(2023, 0, 1 + i));
  const MONTHS = english ?
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] :
    names({ month: "short" }, 12, (i) => new Date(2023, i, 1));
  const gettext = typeof window.gettext === "function" ? window.gettext : (text) => text;

  function names(options, count, dateOf) {
    const formatter = new Intl.DateTimeFormat(language, options);
    return Array.from({ length: count }, (_, i) => formatter.format(dateOf(i)));
  }

  function pad(number) {
    return String(number).padStart(2, "0");
  }

  const PARTS = {
    D: (moment) => DAYS[moment.getDay()],
    j: (moment) => String(moment.getDate()),
    d: (moment) => pad(moment.getDate()),
    M: (moment) => MONTHS[moment.getMonth()],
    m: (moment) => pad(moment.getMonth() + 1),
    Y: (moment) => String(moment.getFullYear()),
    H: (moment) => pad(moment.getHours()),
    i: (moment) => pad(moment.getMinutes()),
    s: (moment) => pad(moment.getSeconds()),
  };

  function format(iso, pattern) {
    const moment = new Date(iso);
    if (Number.isNaN(moment.getTime())) {
      return null;
    }
    return Array.from(pattern, (character) => (PARTS[character] ? PARTS[character](moment) : character)).join("");
  }

  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";

  function localize(root) {
    root.querySelectorAll("time[datetime][data-format]").forEach((element) => {
      const text = format(element.getAttribute("datetime"), element.dataset.format);
      if (text !== null) {
        element.textContent = text;
        element.title = zone ? gettext("Your time zone: %(zone)s").replace("%(zone)s", zone) : "";
      }
    });
  }

  window.ConvQuizTime = { format: format, localize: localize, zone: zone };
  localize(document);
})();
