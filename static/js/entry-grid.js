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
  // the input pasted into, month by month. Every row starts at the month pasted into (its <td
  // data-month>), whatever inputs other months hold. A 分子／分母 cell takes two columns of the
  // block, so a block pasted into a rate row fills 分子 and 分母 of rate rows; a row whose cells
  // hold another number of inputs than the row pasted into (a rate row in a block of counts, or a
  // count in a block of rates) is left as it was, and the status line names it.
  const monthCells = (row) => Array.from(row.querySelectorAll("td[data-month]"));
  const width = (row) => Math.max(0, ...monthCells(row).map((td) => td.querySelectorAll(".grid-input").length));
  const rowName = (row) => {
    const header = row.querySelector("th");
    const code = header && header.querySelector(".code");
    const name = header ? Array.from(header.childNodes).filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join(" ").replace(/\s+/g, " ").trim() : "";
    return [code ? code.textContent.trim() : "", name].filter(Boolean).join(" ");
  };
  form.addEventListener("paste", (event) => {
    const input = event.target;
    if (!isGridInput(input) || input.tagName === "SELECT") return;
    const text = (event.clipboardData || window.clipboardData).getData("text");
    if (!/[\t\n]/.test(text.replace(/\r?\n$/, ""))) return; // one value: the browser pastes it
    event.preventDefault();
    const lines = text.replace(/\r/g, "").replace(/\n$/, "").split("\n");
    const startCell = input.closest("td");
    const startRow = rows.indexOf(input.closest("tr"));
    const month = startCell.dataset.month;
    const shape = startCell.querySelectorAll(".grid-input").length; // 2 in a 分子／分母 cell
    const part = Array.from(startCell.querySelectorAll(".grid-input")).indexOf(input);
    let filled = 0;
    const skipped = [];
    lines.forEach((line, r) => {
      const row = rows[startRow + r];
      if (!row) return;
      const cells = monthCells(row);
      const first = cells.findIndex((td) => td.dataset.month === month);
      if (first < 0) return;
      if (width(row) !== shape) {
        if (width(row) > 0) skipped.push(rowName(row));
        return;
      }
      // One slot per input of each month from the month pasted into; a locked month keeps its slots empty.
      const slots = cells.slice(first).flatMap((td) => {
        const parts = Array.from(td.querySelectorAll(".grid-input"));
        return Array.from({ length: shape }, (_, i) => parts[i] || null);
      });
      line.split("\t").forEach((value, c) => {
        const target = slots[part + c];
        if (!target || target.tagName === "SELECT" || target.disabled || target.readOnly) return;
        target.value = value.trim().replace(/^"(.*)"$/s, "$1");
        filled += 1;
      });
    });
    form.dispatchEvent(new Event("input"));
    const status = document.getElementById("grid-status");
    if (!status) return;
    let message = `${filled}個のセルに貼り付けました（まだ保存していません）。`;
    if (skipped.length) {
      message += shape === 2
        ? `分子／分母の行に貼り付けたため、入力欄が1つの次の行には貼り付けていません：${skipped.join("、")}。別に入力してください。`
        : `次の行は分子と分母の2欄に分けて入力するため、貼り付けていません：${skipped.join("、")}。別に入力してください。`;
    }
    status.textContent = message;
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
