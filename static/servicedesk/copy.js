// Progressive enhancement: a button that copies a value shown once (a new API token) to the
// clipboard. Without JavaScript, or without clipboard access, the page's hint says how to copy
// it by hand; the button stays hidden.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    if (!field || !navigator.clipboard) {
      continue;
    }
    button.hidden = false;
    button.addEventListener("click", async () => {
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
        button.textContent = button.dataset.copied;
      } catch {
        // Refused by the browser: the value is selected, ready for Ctrl+C.
      }
    });
  }
});
