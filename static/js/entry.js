// Keyboard help for the entry grid: Enter moves to the cell below (as in Excel), and leaving
// with unsaved changes asks first. The grid works without this script.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("grid-form");
  if (!form) return;
  const inputs = Array.from(form.querySelectorAll("input.grid-input, select.grid-input"));
  let dirty = false;
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("submit", () => { dirty = false; });
  window.addEventListener("beforeunload", (event) => { if (dirty) { event.preventDefault(); event.returnValue = ""; } });
  form.addEventListener("keydown", (event) => {
    const input = event.target;
    if (event.key !== "Enter" || !inputs.includes(input)) return;
    event.preventDefault();
    const cell = input.closest("td");
    const row = cell.parentElement;
    const column = Array.from(row.children).indexOf(cell);
    const position = Array.from(cell.querySelectorAll(".grid-input")).indexOf(input);
    let next = row.nextElementSibling;
    while (next) {
      const target = next.children[column] && next.children[column].querySelectorAll(".grid-input")[Math.max(position, 0)];
      if (target) { target.focus(); if (target.select) target.select(); return; }
      next = next.nextElementSibling;
    }
  });
  const summary = document.getElementById("conflict") || document.getElementById("errors");
  if (summary) summary.focus();
});
