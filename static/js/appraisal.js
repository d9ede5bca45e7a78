// Appraisal workspace keyboard: j/k or Alt+↓/↑ move between criteria rows, Ctrl+Enter saves the form in focus.
(() => {
  const rows = () => Array.from(document.querySelectorAll("[data-appraisal-row]"));

  const isTyping = (element) =>
    element && (element.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName));

  const currentRow = () => document.activeElement && document.activeElement.closest("[data-appraisal-row]");

  const move = (step) => {
    const all = rows();
    if (!all.length) return;
    const index = all.indexOf(currentRow());
    const next = all[Math.min(all.length - 1, Math.max(0, index === -1 ? 0 : index + step))];
    next.focus({ preventScroll: true });
    next.scrollIntoView({ block: "start", behavior: "smooth" });
  };

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey && event.key === "Enter") {
      const form = event.target.closest && event.target.closest("form.appraisal-form");
      if (form) {
        event.preventDefault();
        form.requestSubmit();
      }
      return;
    }
    if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      move(event.key === "ArrowDown" ? 1 : -1);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    if (event.key === "j" || event.key === "k") {
      event.preventDefault();
      move(event.key === "j" ? 1 : -1);
    }
  });

  // A row that changes after saving loses its "saved" mark until saved again.
  document.addEventListener("input", (event) => {
    const row = event.target.closest("[data-appraisal-row]");
    if (!row) return;
    row.classList.remove("sheet-row-saved");
    row.querySelectorAll("[data-saved]").forEach((mark) => mark.remove());
  });

  // After an htmx swap keep the keyboard where it was: focus the new copy of the row.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const row = event.detail.target && document.getElementById(event.detail.target.id);
    if (row && row.matches("[data-appraisal-row]")) row.focus({ preventScroll: true });
  });

  // Refused saves (block finalised meanwhile, assignment withdrawn) answer 403/404: say so in the row.
  document.body.addEventListener("htmx:responseError", (event) => {
    const row = event.detail.elt.closest("[data-appraisal-row], #adjustments");
    if (!row) return;
    let alert = row.querySelector("[data-refused]");
    if (!alert) {
      alert = document.createElement("div");
      alert.className = "alert alert-danger py-2";
      alert.setAttribute("role", "alert");
      alert.dataset.refused = "";
      row.querySelector(".card-body").prepend(alert);
    }
    alert.textContent = document.getElementById("appraisal-refused").textContent;
  });
})();
