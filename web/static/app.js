// Keyboard shortcuts: 1/2/3 approve a language, n next article, / search, Esc closes a term's popover. Never
// while typing in a field.
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
  if (event.key === "Escape" && target.closest && target.closest("mark.term")) { target.blur(); return; }
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

// Approving a language with open term or check issues asks first; the answer ticks the form's "approve
// despite" box (without script, the server refuses and the page offers the box). The questions come with the
// page, in its interface language.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const approving = event.submitter && event.submitter.value === "approved";
  const asks = [["confirm_terms", form.dataset.askTerms], ["confirm_checks", form.dataset.askChecks]];
  for (const [name, question] of asks) {
    const confirmBox = form.querySelector(`input[name=${name}]`);
    if (approving && confirmBox && !confirmBox.checked) {
      if (!window.confirm(question)) {
        event.preventDefault();
        return;
      }
      confirmBox.checked = true;
    }
  }
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
