/*
 * actionplans: make a table that scrolls sideways reachable by keyboard.
 *
 * extra.css lets table cells wrap, so most tables fit even at 320 px. A table that
 * still does not fit scrolls inside itself (Material styles a Markdown table as an
 * inline-block with overflow: auto). A scroll region must be focusable so keyboard
 * users can scroll it (WCAG 2.1.1; axe rule scrollable-region-focusable). This
 * script gives exactly those tables tabindex="0" and takes it away again when the
 * table fits (e.g. after the window grows). The table keeps its table semantics.
 * No network access, no dependencies.
 */
(function () {
  "use strict";
  var MARK = "data-ap-scroll";

  function mark() {
    // Tables inside an .ap-table region (generated pages) are skipped: the region
    // itself scrolls and already has tabindex, a name and role=region.
    var els = document.querySelectorAll(
      ".md-typeset table:not([class]):not(.ap-table table), .md-typeset__scrollwrap:not(.ap-table .md-typeset__scrollwrap)"
    );
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var scrolls = el.scrollWidth > el.clientWidth + 1;
      if (scrolls && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute(MARK, "");
      } else if (!scrolls && el.hasAttribute(MARK)) {
        el.removeAttribute("tabindex");
        el.removeAttribute(MARK);
      }
    }
  }

  var timer = null;
  function later() {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(mark, 150);
  }

  // Material rewraps tables from its own bundle: run after it, and on every resize.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { window.setTimeout(mark, 0); });
  }
  window.addEventListener("load", mark);
  window.addEventListener("resize", later);
})();

/*
 * actionplans: make the navigation drawer usable from the keyboard.
 *
 * Below 1220 px Material moves the site navigation into a drawer opened by a <label> for a
 * hidden checkbox; a label cannot take keyboard focus. This puts a real <button> with the same
 * icon in its place (named, with aria-expanded kept in step) and hides the label.
 * (pages.css hides the closed drawer, so its links leave the tab order.)
 */
(function () {
  "use strict";
  var box = document.getElementById("__drawer");
  var label = document.querySelector('label.md-header__button[for="__drawer"]');
  if (!box || !label) return;
  var zh = (document.documentElement.lang || "").indexOf("zh") === 0;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "md-header__button md-icon ap-drawer-button";
  button.setAttribute("aria-label", zh ? "导航菜单" : "Navigation menu");
  button.innerHTML = label.innerHTML;
  label.parentNode.insertBefore(button, label);
  label.setAttribute("hidden", "");
  function sync() {
    button.setAttribute("aria-expanded", box.checked ? "true" : "false");
  }
  button.addEventListener("click", function () {
    box.checked = !box.checked;
    box.dispatchEvent(new Event("change"));
    sync();
  });
  box.addEventListener("change", sync);
  sync();
})();

/*
 * actionplans: a printed page shows what a reader opens on screen. The quotes of a plan's
 * figure cards sit in closed <details>; they are opened for printing and closed again after.
 */
(function () {
  "use strict";
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll(".ap-figure-cards details:not([open])"), function (d) {
      d.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
