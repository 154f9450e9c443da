// Progressive enhancement only: every page works without JavaScript.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  // "Certificaat fotograferen": the picture is sent for reading as soon as it is taken.
  document.querySelectorAll("form[data-capture]").forEach((form) => {
    const input = form.querySelector("input[type=file]");
    input.addEventListener("change", () => {
      if (input.files.length) {
        form.classList.add("busy");
        form.submit();
      }
    });
  });
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
  // A file over the limit is refused here, before it is sent: a request far over the limit
  // would be cut off by the server and lose what was typed (the server checks again).
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach((input) => {
    const limit = Number(input.dataset.maxBytes);
    const message = document.createElement("p");
    message.className = "error";
    message.id = `${input.id}-size-error`;
    message.hidden = true;
    message.setAttribute("role", "alert");
    input.after(message);
    input.addEventListener("change", () => {
      const tooLarge = [...input.files].some((file) => file.size > limit);
      message.hidden = !tooLarge;
      message.textContent = tooLarge ? input.dataset.tooLarge : "";
      input.setAttribute("aria-invalid", tooLarge ? "true" : "false");
      if (tooLarge) input.value = "";
    });
  });
  // Move focus to an error summary so screen readers announce it.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
