// The catalog board's "In bảng niêm yết" button (no inline script: Content Security Policy).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
