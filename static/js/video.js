// Load a video from its host only when the reader asks; before that no request leaves this site.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-video-embed]");
  if (!button) return;
  var frame = document.createElement("iframe");
  frame.src = button.getAttribute("data-video-embed");
  frame.title = button.getAttribute("data-video-title");
  frame.allow = "fullscreen; picture-in-picture";
  frame.loading = "lazy";
  // The site sends no Referer to other hosts (Referrer-Policy: same-origin), but YouTube's player
  // refuses to play without one: it gets this site's origin, never the page's address.
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  frame.className = "video-frame";
  button.closest(".video").replaceChild(frame, button.parentNode);
});
