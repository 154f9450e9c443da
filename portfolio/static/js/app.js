// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Forms that delete or otherwise destroy ask first (data-confirm holds the question).
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // A guided reflection shows only the phases of the chosen structure.
  const choice = document.querySelector("[data-structure-choice]");
  if (choice) {
    const show = () => {
      const chosen = choice.querySelector("input:checked");
      document.querySelectorAll("[data-structure]").forEach((set) => {
        set.hidden = !chosen || set.dataset.structure !== chosen.value;
      });
    };
    choice.addEventListener("change", show);
    show();
  }
  // Move focus to an error summary so screen readers announce it.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
