// Behaviour shared by every page. The Content-Security-Policy allows no inline scripts or on...=
// handlers, so pages mark elements with data attributes and this file wires them up.
(function () {
  "use strict";

  // <select data-submit-on-change>: submit the enclosing form as soon as the choice changes
  // (the language switcher). Delegated, so elements swapped in by htmx work too.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-submit-on-change") && target.form) {
      target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
    }
  });

  // A table wider than the screen scrolls sideways inside .table-responsive: keyboard users must be able to
  // reach and scroll it (WCAG 2.1.1), so a region that overflows becomes focusable and is named after its table
  // (or, for a chart, after its caption or title).
  function markScrollableRegions(root) {
    (root || document).querySelectorAll(".table-responsive, .results-chart, .results-figure").forEach(function (region) {
      var overflows = region.scrollWidth > region.clientWidth + 1;
      if (overflows && !region.hasAttribute("tabindex")) {
        var caption = region.querySelector("caption, figcaption, svg title");
        region.setAttribute("tabindex", "0");
        if (caption && caption.textContent.trim()) {
          region.setAttribute("role", "region");
          region.setAttribute("aria-label", caption.textContent.trim());
        }
        region.dataset.scrollRegion = "";
      } else if (!overflows && region.dataset.scrollRegion !== undefined) {
        region.removeAttribute("tabindex");
        region.removeAttribute("role");
        region.removeAttribute("aria-label");
        delete region.dataset.scrollRegion;
      }
    });
  }
  markScrollableRegions();
  window.addEventListener("resize", function () { markScrollableRegions(); });
  document.addEventListener("htmx:afterSettle", function (event) { markScrollableRegions(event.target.parentElement); });
})();
