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
  // A long list of checkboxes gets a filter box: type a few letters, see the matching options
  // (ticked ones stay in view). Without JavaScript the whole list shows.
  document.querySelectorAll("fieldset[data-filter]").forEach((set, index) => {
    const options = [...set.querySelectorAll(".option")];
    if (options.length < 8) return;
    const label = document.createElement("label");
    const input = document.createElement("input");
    const status = document.createElement("p");
    input.type = "search";
    input.id = `filter-${index}`;
    input.autocomplete = "off";
    label.htmlFor = input.id;
    label.textContent = set.dataset.filter;
    status.className = "hint";
    status.setAttribute("aria-live", "polite");
    const wrapper = document.createElement("div");
    wrapper.className = "field filter";
    wrapper.append(label, input, status);
    set.querySelector("legend").after(wrapper);
    input.addEventListener("input", () => {
      const words = input.value.trim().toLocaleLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      options.forEach((option) => {
        const text = option.textContent.toLocaleLowerCase();
        const hit = option.querySelector("input").checked || words.every((w) => text.includes(w));
        option.hidden = !hit;
        if (hit) shown += 1;
      });
      status.textContent = words.length
        ? set.dataset.filterCount.replace("{shown}", shown).replace("{total}", options.length)
        : "";
    });
  });
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
