// Scoresheet helpers: a row that changes after saving loses its "saved" mark until saved again.
document.addEventListener("input", (event) => {
  const row = event.target.closest(".sheet-row");
  if (!row || !event.target.closest(".score-form")) return;
  row.classList.remove("sheet-row-saved");
  row.querySelectorAll("[data-saved]").forEach((mark) => mark.remove());
});
