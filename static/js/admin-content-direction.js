// The page being edited is in a right-to-left language: write all its content right to left.
document.addEventListener("DOMContentLoaded", function () {
  var mark = document.querySelector('[data-content-direction="rtl"]');
  if (!mark || !mark.form) return;
  mark.form.setAttribute("dir", "rtl");
  mark.form.querySelectorAll('input[name="slug"], input[type="url"]').forEach(function (input) {
    input.setAttribute("dir", "ltr");
  });
});
