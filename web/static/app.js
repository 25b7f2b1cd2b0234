// Upload progress: htmx reports how much of a form's request has been
// sent; a <progress> inside the form shows it.
document.addEventListener("htmx:xhr:progress", function (e) {
  var bar = e.target.querySelector && e.target.querySelector("progress");
  if (bar && e.detail.lengthComputable && e.detail.total > 0) {
    bar.value = Math.round((e.detail.loaded / e.detail.total) * 100);
  }
});
