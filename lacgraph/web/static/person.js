// The person page: a Print button, and the interactive view loaded only when opened
// (with a loading message until its frame has drawn the circle; the time from opening to
// drawn is measured as "interactive").
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
    window.addEventListener("message", function drawn(event) {
      if (event.source !== frame.contentWindow || event.data !== "lacgraph-circle-drawn") {
        return;
      }
      window.removeEventListener("message", drawn);
      performance.mark("interactive-drawn");
      performance.measure("interactive", "interactive-start", "interactive-drawn");
      loading.textContent = loading.dataset.done || "Interactive view loaded.";
      loading.classList.add("done");
    });
    frame.addEventListener("load", function () {
      performance.mark("interactive-loaded");
      performance.measure("interactive-load", "interactive-start", "interactive-loaded");
    });
    frame.src = frame.dataset.src;
  });
});
