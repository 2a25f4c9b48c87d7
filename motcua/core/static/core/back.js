// "Back to the previous page" links without inline JavaScript (Content Security Policy):
// <a href="/" data-history-back> goes back in history when there is one, else follows its href.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-history-back]");
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
