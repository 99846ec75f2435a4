// The entry grid's spreadsheet keys, as progressive enhancement (the grid works without this script):
// arrow keys and Enter move between cells, a row or block copied from Excel is pasted across the
// cells, clearing a saved value asks first, and leaving with unsaved changes asks first.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("grid-form");
  const summary = ["conflict", "errors", "warnings", "clearing"].map((id) => document.getElementById(id)).find(Boolean);
  if (summary) summary.focus();
  if (!form) return;

  const rows = Array.from(form.querySelectorAll(".entry-grid tbody tr"));
  const inputsOf = (row) => Array.from(row.querySelectorAll(".grid-input"));
  const isGridInput = (el) => el && el.classList && el.classList.contains("grid-input");
  const go = (target) => {
    if (!target) return false;
    target.focus();
    if (target.select) target.select();
    return true;
  };

  // The input in the same column (and the same part of a 分子／分母 cell) of the next row that has one.
  const vertical = (input, step) => {
    const cell = input.closest("td");
    const row = cell.parentElement;
    const column = Array.from(row.children).indexOf(cell);
    const position = Math.max(Array.from(cell.querySelectorAll(".grid-input")).indexOf(input), 0);
    for (let i = rows.indexOf(row) + step; i >= 0 && i < rows.length; i += step) {
      const other = rows[i].children[column];
      const parts = other ? other.querySelectorAll(".grid-input") : [];
      if (parts.length) return parts[Math.min(position, parts.length - 1)];
    }
    return null;
  };
  const horizontal = (input, step) => {
    const inputs = inputsOf(input.closest("tr"));
    return inputs[inputs.indexOf(input) + step] || null;
  };
  const atEdge = (input, step) => {
    if (input.tagName === "SELECT" || typeof input.selectionStart !== "number") return true;
    const length = input.value.length;
    if (input.selectionStart === 0 && input.selectionEnd === length) return true; // whole value selected
    return step < 0 ? input.selectionStart === 0 && input.selectionEnd === 0 : input.selectionStart === length;
  };

  form.addEventListener("keydown", (event) => {
    const input = event.target;
    if (!isGridInput(input) || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const multiline = input.tagName === "TEXTAREA";
    let target = null;
    if (event.key === "Enter" && !multiline) target = vertical(input, 1) || input;
    else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && !multiline && input.tagName !== "SELECT") {
      target = vertical(input, event.key === "ArrowDown" ? 1 : -1);
    } else if ((event.key === "ArrowRight" || event.key === "ArrowLeft") && atEdge(input, event.key === "ArrowRight" ? 1 : -1)) {
      target = horizontal(input, event.key === "ArrowRight" ? 1 : -1);
    } else return;
    event.preventDefault();
    go(target);
  });

  // A block copied from Excel arrives as tab-separated lines: fill rightwards and downwards from
  // the input pasted into, by each row's own inputs (a 分子／分母 cell takes two columns).
  form.addEventListener("paste", (event) => {
    const input = event.target;
    if (!isGridInput(input) || input.tagName === "SELECT") return;
    const text = (event.clipboardData || window.clipboardData).getData("text");
    if (!/[\t\n]/.test(text.replace(/\r?\n$/, ""))) return; // one value: the browser pastes it
    event.preventDefault();
    const lines = text.replace(/\r/g, "").replace(/\n$/, "").split("\n");
    const startRow = rows.indexOf(input.closest("tr"));
    const startColumn = inputsOf(rows[startRow]).indexOf(input);
    let filled = 0;
    lines.forEach((line, r) => {
      const row = rows[startRow + r];
      if (!row) return;
      const inputs = inputsOf(row);
      line.split("\t").forEach((value, c) => {
        const target = inputs[startColumn + c];
        if (!target || target.tagName === "SELECT" || target.disabled || target.readOnly) return;
        target.value = value.trim().replace(/^"(.*)"$/s, "$1");
        filled += 1;
      });
    });
    form.dispatchEvent(new Event("input"));
    const status = document.getElementById("grid-status");
    if (status) status.textContent = `${filled}個のセルに貼り付けました（まだ保存していません）。`;
  });

  // Clearing a saved value deletes it: ask once for all of them before the form is sent.
  form.addEventListener("submit", (event) => {
    const confirmed = document.getElementById("confirm_clear");
    if (confirmed && confirmed.checked) return;
    const cleared = Array.from(form.querySelectorAll(".grid-input[data-saved]"))
      .filter((el) => el.dataset.saved !== "" && el.value.trim() === "")
      .map((el) => (el.labels && el.labels[0] ? el.labels[0].textContent.trim() : el.name));
    if (!cleared.length) return;
    if (!window.confirm(`次の保存済みの値を削除します。よろしいですか？\n${cleared.join("\n")}`)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = "confirm_clear";
    hidden.value = "1";
    form.appendChild(hidden);
  });

  let dirty = false;
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("submit", () => { dirty = false; });
  window.addEventListener("beforeunload", (event) => { if (dirty) { event.preventDefault(); event.returnValue = ""; } });
});
