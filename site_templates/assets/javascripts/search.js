/*
 * actionplans: the search dialog (Pagefind's Component UI), loaded on first use.
 *
 * A page carries only this loader. Pagefind's dialog script and styles (about 220 KiB) are
 * fetched when a reader presses the header's search button or Ctrl+K (Cmd+K), and its index
 * chunks only when a query is typed. Each language has its own index (/pagefind/ for
 * Chinese, /en/pagefind/ for English, which leaves out the Chinese its pages quote). An
 * English page also searches the Chinese index, its results pointed at the English pages,
 * so a Chinese phrase finds the English page that quotes it; that index answers there only
 * queries with Chinese characters (the Chinese pages also hold the English translations and
 * every number, and a page must not be found twice). The header button names the bundles
 * relative to the page; they are made absolute here, so the site works under any path.
 */
(function () {
  "use strict";
  var button = document.querySelector(".ap-search");
  if (!button) return;
  var bundle = new URL(button.getAttribute("data-bundle"), location.href);
  var root = new URL("../", bundle).pathname; // the language's home: results link below it
  var loading = null;
  var HAN = /[\u3400-\u9fff\uf900-\ufaff]/;
  var quoted = (button.getAttribute("data-merge-language") || "") + "_";

  // The results worth showing for ``query``: without the merged index's unless the query has
  // Chinese characters (results are named by their index's language, "zh_…").
  function keep(query, results) {
    if (quoted === "_" || HAN.test(query || "")) return results;
    return results.filter(function (r) { return String(r.id).indexOf(quoted) !== 0; });
  }

  // Pagefind segments a page's Chinese text into words as it indexes it, and the browser segments
  // a query on its own, without the words around it: the two can cut the same characters
  // differently (内蒙古自治区民政厅 is indexed as 内蒙|古|自治|区民|政|厅), and a query then misses the
  // pages. So a query of three or more Chinese characters is searched twice: as typed, and with
  // each Chinese character a word of its own (Pagefind matches a word by its start), the second
  // search's further pages after the first's.
  var SPREAD = /[\u3400-\u9fff\uf900-\ufaff]/g;

  function spread(query) {
    return query.replace(SPREAD, " $& ").replace(/\s+/g, " ").trim();
  }

  function search(run, query, options) {
    return Promise.resolve(run(query, options)).then(function (first) {
      if (!first || !query || (query.match(SPREAD) || []).length < 3) return first;
      return Promise.resolve(run(spread(query), options)).then(function (more) {
        if (!more || !more.results) return first;
        var seen = {};
        first.results.forEach(function (r) { seen[r.id] = true; });
        first.results = first.results.concat(more.results.filter(function (r) { return !seen[r.id]; }));
        return first;
      });
    });
  }

  function options() {
    var merge = button.getAttribute("data-merge");
    var config = { bundlePath: bundle.pathname, baseUrl: root };
    if (merge) {
      config.mergeIndex = [{
        bundlePath: new URL(merge, location.href).pathname,
        language: button.getAttribute("data-merge-language"),
        baseUrl: root,
      }];
    }
    return config;
  }

  function load() {
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      var style = document.createElement("link");
      style.rel = "stylesheet";
      style.href = bundle.pathname + "pagefind-component-ui.css";
      document.head.appendChild(style);
      var script = document.createElement("script");
      script.src = bundle.pathname + "pagefind-component-ui.js";
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    }).then(function () {
      var instance = window.PagefindComponents.configureInstance("default", options());
      var query = "";
      // Registered before the dialog's own listeners, so they see the kept results only.
      instance.on("search", function (term) { query = term; });
      // The dialog's Pagefind, once loaded, searches as ``search`` does.
      instance.on("filters", function () {
        var pagefind = instance.__pagefind__;
        if (!pagefind || pagefind.apSearch) return;
        var run = pagefind.search.bind(pagefind);
        pagefind.search = function (term, options) { return search(run, term, options); };
        pagefind.apSearch = true;
      });
      instance.on("results", function (found) {
        if (found && found.results) found.results = keep(query, found.results);
      });
      var modal = document.createElement("pagefind-modal");
      document.body.appendChild(modal);
      // Closing the dialog returns the focus to where it was when the dialog opened.
      var dialog = modal.querySelector("dialog");
      if (dialog) dialog.addEventListener("close", function () {
        if (returnTo && document.contains(returnTo)) returnTo.focus();
      });
      return modal;
    });
    loading.catch(function () { loading = null; });
    return loading;
  }

  var returnTo = null;

  function open() {
    returnTo = document.activeElement && document.activeElement !== document.body ? document.activeElement : button;
    load().then(function (modal) {
      if (!modal.isOpen) modal.open();
    });
  }

  // The bundles and options the dialog searches with, for scripts that query the index directly.
  window.actionplansSearch = { options: options, keep: keep, search: search };
  button.hidden = false;
  button.addEventListener("click", open);
  button.addEventListener("pointerenter", load, { once: true });
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === "k") {
      event.preventDefault();
      open();
    }
  });
})();
