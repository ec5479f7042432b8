// Keyboard shortcuts: 1/2/3 approve a language, n next article, / search. Never while typing in a field.
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
  if (event.key === "/") {
    const search = document.getElementById("q");
    if (search) { event.preventDefault(); search.focus(); }
    return;
  }
  if (event.key === "n") {
    const next = document.getElementById("next-article");
    if (next) { event.preventDefault(); next.click(); }
    return;
  }
  const approve = document.querySelector(`button.approve[data-key="${event.key}"]`);
  if (approve) { event.preventDefault(); approve.click(); }
});
