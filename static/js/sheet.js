// Scoresheet helpers: a row that changes after saving loses its "saved" mark until saved again.
document.addEventListener("input", (event) => {
  const row = event.target.closest(".sheet-row");
  if (!row || !event.target.closest(".score-form")) return;
  row.classList.remove("sheet-row-saved");
  row.querySelectorAll("[data-saved]").forEach((mark) => mark.remove());
});

// A row's "add evidence" forms (upload, or cite a document of the unit's library) are one shared
// <template> on the page instead of a copy per row; a row gets its copy the first time it is opened.
// (toggle does not bubble: listen while it is captured.)
document.addEventListener(
  "toggle",
  (event) => {
    const box = event.target;
    const template = document.getElementById("evidence-add-template");
    if (!(box instanceof HTMLDetailsElement) || !box.open || !box.dataset.evidenceAdd || !template) return;
    const html = template.innerHTML
      .replaceAll("__criterion__", box.dataset.evidenceAdd)
      .replaceAll("__upload_url__", box.dataset.uploadUrl)
      .replaceAll("__link_url__", box.dataset.linkUrl);
    delete box.dataset.evidenceAdd;
    box.querySelector("noscript")?.remove();
    box.insertAdjacentHTML("beforeend", html);
    box.querySelectorAll("[data-evidence-library][hidden]").forEach((form) => form.remove()); // nothing to cite yet
    htmx.process(box);
  },
  true,
);

// An upload adds a document to the unit's library: the evidence box the server answered with lists the
// library as it is now, so the shared copy offers the new document to the other rows too.
document.addEventListener("htmx:load", (event) => {
  const template = document.getElementById("evidence-add-template");
  const fresh = event.target.matches?.(".evidence-box") && event.target.querySelector("select[name=document]");
  if (!template || !fresh) return;
  template.content.querySelector("select[name=document]").innerHTML = fresh.innerHTML;
  template.content.querySelector("[data-evidence-library]").hidden = false;
});

// The jump list: scroll to the chosen criterion when it is on the page; otherwise open the whole sheet there.
document.addEventListener("change", (event) => {
  const select = event.target;
  if (!(select instanceof HTMLSelectElement) || !select.closest("[data-sheet-jump]") || !select.value) return;
  const row = document.getElementById(`row-${select.value}`);
  if (row) {
    row.scrollIntoView({ block: "start" });
    row.querySelector("input, select, textarea, a")?.focus({ preventScroll: true });
    history.replaceState(null, "", `#row-${select.value}`);
  } else {
    select.form.requestSubmit();
  }
});
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("[data-sheet-jump]")) return;
  const value = form.querySelector("select").value;
  if (value && document.getElementById(`row-${value}`)) {
    event.preventDefault();
    form.querySelector("select").dispatchEvent(new Event("change", { bubbles: true }));
  }
});
