// New ticket: show only the impact questions of the chosen contract's provider (progressive
// enhancement; without JavaScript every offered question shows with the contracts that ask it,
// and the server refuses answers the chosen contract does not ask).
// Each contract option carries data-questions ("scope_effect checklist ...") and data-shared.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-new-ticket]");
  if (!form) return;
  const contract = form.querySelector("select[name=contract]");
  const shared = form.querySelector("input[name=shared_with_organisation]");
  const impact = form.querySelector("fieldset[data-impact]");
  let sharedTouched = false;
  if (shared) shared.addEventListener("change", () => { sharedTouched = true; });

  const incident = () => {
    const checked = form.querySelector("input[name=request_type]:checked");
    return !checked || checked.value === "incident";
  };

  const update = (fromContractChange) => {
    const option = contract ? contract.selectedOptions[0] : null;
    const asked = option && option.dataset.questions !== undefined
      ? option.dataset.questions.split(" ").filter(Boolean) : [];
    let any = false;
    for (const block of form.querySelectorAll("fieldset[data-question]")) {
      const show = incident() && asked.includes(block.dataset.question);
      block.hidden = !show;
      block.disabled = !show;  // a hidden provider's answers are not sent
      any = any || show;
    }
    for (const hint of form.querySelectorAll(".asked-under")) hint.hidden = true;
    if (impact) {
      impact.hidden = !any;
    }
    if (shared && option && option.dataset.shared && fromContractChange && !sharedTouched) {
      shared.checked = option.dataset.shared === "true";
    }
  };

  if (contract) contract.addEventListener("change", () => update(true));
  for (const radio of form.querySelectorAll("input[name=request_type]")) {
    radio.addEventListener("change", () => update(false));
  }
  update(false);
});
