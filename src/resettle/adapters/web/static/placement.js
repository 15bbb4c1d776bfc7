// Placement review: "tick every placed case on this page" for accepting many at once.
document.addEventListener("DOMContentLoaded", () => {
  const all = document.getElementById("tick-all");
  if (!all) return;
  all.addEventListener("change", () => {
    document.querySelectorAll('input[type=checkbox][form="bulk"]').forEach((box) => {
      box.checked = all.checked;
    });
  });
});
