// Leave the site at once and replace this page in the history, so Back does not return here.
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-quick-exit]");
  if (!link) return;
  event.preventDefault();
  document.body.style.visibility = "hidden";
  window.location.replace(link.href);
});
document.addEventListener("keydown", function (event) {
  if (event.key === "Escape") {
    var link = document.querySelector("[data-quick-exit]");
    if (link) window.location.replace(link.href);
  }
});
