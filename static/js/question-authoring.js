/* The admin's question and part forms (quiz/rows.py, quiz/forms.py): rows added and removed,
   the fields a part's kind does not use hidden, and the live check of the question's formulas
   (each output's value on the seed values or a random variant, the grader's problems beside
   their fields), asked of the server as the author types. */
"use strict";

(() => {
  const CELL_NAME = /^(.*)-(\d+)-(\w+)$/;
  const QUESTION_ROWS = new Set(["params", "formulas", "constraints"]);
  const QUESTION_FIELDS = new Set(["key", "calculator", "given"]);
  const MAX_SEED = 2147483647;
  // Django's JavaScript catalog (templates/admin/base_site.html) translates; without it, English.
  const gettext = (text) => (typeof window.gettext === "function" ? window.gettext(text) : text);
  const format = (message, values) => message.replace(/%\((\w+)\)s/g, (placeholder, name) => (
    name in values ? String(values[name]) : placeholder));

  // --- Rows ---------------------------------------------------------------------------------

  const rowsOf = (body) => Array.from(body.children).filter((child) => child.classList.contains("rows-row"));

  function renumber(row, index, number) {
    row.querySelectorAll("[name]").forEach((input) => {
      const match = CELL_NAME.exec(input.name);
      if (!match) return;
      input.name = `${match[1]}-${index}-${match[3]}`;
      input.id = `id_${input.name}`;
      if (input.hasAttribute("aria-label")) {
        input.setAttribute("aria-label", input.getAttribute("aria-label").replace(/\d+$/, String(number)));
      }
    });
    row.querySelectorAll("label[for]").forEach((label) => {
      const match = CELL_NAME.exec(label.htmlFor.replace(/^id_/, ""));
      if (match) label.htmlFor = `id_${match[1]}-${index}-${match[3]}`;
    });
    const remove = row.querySelector(".rows-remove");
    if (remove) remove.setAttribute("aria-label", remove.getAttribute("aria-label").replace(/\d+$/, String(number)));
    const legend = row.querySelector(".rows-legend");
    if (legend) legend.textContent = legend.textContent.replace(/\d+$/, String(number));
  }

  function clear(row) {
    row.querySelectorAll("input, textarea").forEach((input) => {
      if (input.type === "checkbox") input.checked = false;
      else input.value = "";
    });
    row.querySelectorAll("output").forEach((output) => { output.textContent = ""; });
  }

  function nextIndex(body) {
    let highest = -1;
    body.querySelectorAll("[name]").forEach((input) => {
      const match = CELL_NAME.exec(input.name);
      if (match) highest = Math.max(highest, Number(match[2]));
    });
    return highest + 1;
  }

  function addRow(widget) {
    const body = widget.querySelector(".rows-body");
    const rows = rowsOf(body);
    const row = rows[rows.length - 1].cloneNode(true);
    clear(row);
    renumber(row, nextIndex(body), rows.length + 1);
    body.appendChild(row);
    row.querySelector("input:not([type=checkbox]), textarea")?.focus();
  }

  function removeRow(row) {
    const body = row.parentElement;
    if (rowsOf(body).length > 1) {
      row.remove();
      rowsOf(body).forEach((each, position) => {
        const remove = each.querySelector(".rows-remove");
        if (remove) remove.setAttribute("aria-label", remove.getAttribute("aria-label").replace(/\d+$/, String(position + 1)));
        const legend = each.querySelector(".rows-legend");
        if (legend) legend.textContent = legend.textContent.replace(/\d+$/, String(position + 1));
      });
    } else {
      clear(row);
    }
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("click", (event) => {
    const add = event.target.closest(".rows-add");
    if (add) addRow(add.closest(".rows-widget"));
    const remove = event.target.closest(".rows-remove");
    if (remove) removeRow(remove.closest(".rows-row"));
  });

  // --- The fields a part's kind uses ----------------------------------------------------------

  function showKindFields(select) {
    const fieldsByKind = JSON.parse(select.dataset.kindFields);
    const used = new Set(fieldsByKind[select.value] || []);
    const scope = select.closest(".inline-related") || select.form;
    new Set(Object.values(fieldsByKind).flat()).forEach((name) => {
      scope.querySelectorAll(`.form-row.field-${name}`).forEach((row) => {
        // A field with an error stays in sight, whatever the kind: the message says what to change.
        row.classList.toggle("kind-unused", !used.has(name) && !row.classList.contains("errors")
          && !row.querySelector(".errorlist"));
      });
    });
    // A heading over fields the kind uses none of goes too (a written part's practice fields).
    scope.querySelectorAll("fieldset").forEach((fieldset) => {
      const rows = Array.from(fieldset.querySelectorAll(".form-row"));
      const unused = rows.length > 0 && rows.every((row) => row.classList.contains("kind-unused"));
      fieldset.classList.toggle("kind-unused", unused);
    });
  }

  const kindSelects = (root) => root.querySelectorAll("select[data-kind-fields]");
  document.addEventListener("change", (event) => {
    if (event.target.matches("select[data-kind-fields]")) showKindFields(event.target);
  });
  document.addEventListener("formset:added", (event) => kindSelects(event.target).forEach(showKindFields));

  // --- The live check -------------------------------------------------------------------------

  function startLiveCheck(panel) {
    const form = panel.closest("form");
    const status = panel.querySelector(".live-check-status");
    const variant = panel.querySelector(".live-check-variant");
    const params = panel.querySelector(".live-check-params");
    let seed = null;
    let timer = null;
    let controller = null;

    const questionRow = (field) => Array.from(form.querySelectorAll(`.form-row.field-${field}`))
      .find((row) => !row.closest(".inline-related"));

    function showErrors(errors) {
      form.querySelectorAll(".live-errors").forEach((list) => list.remove());
      Object.entries(errors).forEach(([field, messages]) => {
        const list = document.createElement("ul");
        list.className = "errorlist live-errors";
        messages.forEach((message) => {
          const item = document.createElement("li");
          item.textContent = message;
          list.appendChild(item);
        });
        const row = questionRow(field);
        if (row) row.prepend(list);
        else status.after(list);
      });
    }

    function showValues(reply) {
      form.querySelectorAll('[data-rows="formulas"] .rows-row').forEach((row) => {
        const name = row.querySelector('[name$="-name"]')?.value.trim();
        const output = row.querySelector('output[data-shown="value"]');
        if (!output) return;
        const failed = Boolean(name) && name === reply.failed;
        output.textContent = !name ? "" : failed ? gettext("fails: see the message above") : (reply.values[name] ?? "—");
        output.classList.toggle("rows-failed", failed);
      });
    }

    function render(reply) {
      variant.textContent = reply.seed === null
        ? gettext("On the seed values:")
        : format(gettext("On a random variant (seed %(seed)s):"), { seed: reply.seed });
      params.textContent = Object.entries(reply.params).map(([name, value]) => `${name} = ${value}`).join(", ");
      showValues(reply);
      showErrors(reply.errors);
      const problems = Object.keys(reply.errors).length;
      status.textContent = problems
        ? gettext("Problems found: see the messages beside the fields.")
        : gettext("No problems found.");
    }

    async function run() {
      const data = new FormData(form);
      data.delete("seed");
      if (seed !== null) data.set("seed", String(seed));
      controller?.abort();
      controller = new AbortController();
      status.textContent = gettext("Checking…");
      try {
        const response = await fetch(panel.dataset.checkUrl, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { "X-CSRFToken": data.get("csrfmiddlewaretoken") || "" },
          signal: controller.signal,
        });
        if (!response.ok) {
          status.textContent = format(
            gettext("The check failed (HTTP %(status)s); saving still checks the question."),
            { status: response.status },
          );
          return;
        }
        render(await response.json());
      } catch (error) {
        if (error.name !== "AbortError") {
          status.textContent = gettext("The check could not reach the server; saving still checks the question.");
        }
      }
    }

    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(run, 400);
    };
    form.addEventListener("input", (event) => {
      const rows = event.target.closest("[data-rows]");
      if ((rows && QUESTION_ROWS.has(rows.dataset.rows)) || QUESTION_FIELDS.has(event.target.name)) schedule();
    });
    panel.querySelector('[data-variant="random"]').addEventListener("click", () => {
      seed = Math.floor(Math.random() * MAX_SEED);
      run();
    });
    panel.querySelector('[data-variant="seed"]').addEventListener("click", () => {
      seed = null;
      run();
    });
    panel.hidden = false;
    run();
  }

  function start() {
    kindSelects(document).forEach(showKindFields);
    const panel = document.getElementById("live-check");
    if (panel) startLiveCheck(panel);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
