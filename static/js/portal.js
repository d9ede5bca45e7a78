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
})();
