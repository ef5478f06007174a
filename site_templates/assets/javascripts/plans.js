/*
 * actionplans: filter and sort the table of plans (plans/ pages).
 *
 * Without JavaScript the page lists every plan and the filter form stays hidden. With it, the
 * form appears: each choice hides the rows that do not match, and a status line (announced to
 * screen readers) says how many are shown. Column headers that can sort become buttons; the
 * header sorted by says so with aria-sort. No network access, no dependencies.
 */
(function () {
  "use strict";
  var form = document.querySelector("[data-ap-filter]");
  var table = document.querySelector("[data-ap-plans]");
  if (!form || !table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var status = form.querySelector("[data-ap-count]");

  function matches(row, values) {
    if (values.level && row.dataset.level !== values.level) return false;
    if (values.province && row.dataset.province !== values.province) return false;
    if (values.theme && (" " + row.dataset.themes + " ").indexOf(" " + values.theme + " ") < 0) return false;
    if (values.year) {
      var year = Number(values.year), start = Number(row.dataset.start || 0), end = Number(row.dataset.end || 0);
      if (!end || year > end || (start && year < start)) return false;
    }
    return true;
  }

  function apply() {
    var values = {};
    ["level", "province", "theme", "year"].forEach(function (name) { values[name] = form.elements[name].value; });
    var shown = 0;
    rows.forEach(function (row) {
      var keep = matches(row, values);
      row.hidden = !keep;
      if (keep) shown += 1;
    });
    status.textContent = form.dataset.shown.replace("{shown}", shown).replace("{n}", rows.length);
  }

  function key(row, column) {
    if (column === "title") return row.cells[0].textContent.trim();
    if (column === "province") return row.cells[1].textContent.trim();
    if (column === "level") return Number(row.dataset.levelRank);
    if (column === "end") return Number(row.dataset.end || 0);
    if (column === "tasks") return Number(row.dataset.tasks);
    return 0;
  }

  var headers = Array.prototype.slice.call(table.querySelectorAll("th[data-sort]"));
  headers.forEach(function (th) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "ap-sort";
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    button.addEventListener("click", function () {
      var column = th.dataset.sort;
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var sorted = rows.slice().sort(function (a, b) {
        var x = key(a, column), y = key(b, column);
        var order = typeof x === "number" ? x - y : x.localeCompare(y, document.documentElement.lang);
        return ascending ? order : -order;
      });
      sorted.forEach(function (row) { body.appendChild(row); });
    });
  });

  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  form.hidden = false;
  apply();
})();
