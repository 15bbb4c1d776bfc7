// The liaison's answer: the reason becomes required as soon as an answer other than
// "accepted" is chosen, so the browser says so before anything is sent (the referral
// service checks the same on the server).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form.answer[data-needs-reason]").forEach((form) => {
    const needs = form.dataset.needsReason.split(" ");
    const decision = form.querySelector("select[name=decision]");
    const reason = form.querySelector("input[name=reason]");
    const sync = () => { reason.required = needs.includes(decision.value); };
    decision.addEventListener("change", sync);
    sync();
  });
});
