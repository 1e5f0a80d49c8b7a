// The person page: a Print button, and the interactive view loaded only when opened
// (with a loading message until its frame has drawn).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
document.querySelectorAll("details.interactive-view").forEach(function (details) {
  details.addEventListener("toggle", function () {
    var frame = details.querySelector("iframe");
    var loading = details.querySelector(".loading");
    if (!details.open || frame.src) { return; }
    performance.mark("interactive-start");
    frame.addEventListener("load", function () {
      performance.mark("interactive-loaded");
      performance.measure("interactive", "interactive-start", "interactive-loaded");
      loading.textContent = "Interactive view loaded.";
      loading.classList.add("done");
    });
    frame.src = frame.dataset.src;
  });
});
