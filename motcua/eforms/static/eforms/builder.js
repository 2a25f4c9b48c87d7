// The form builder: drag a field within its list to reorder it; the new order is posted with htmx
// (op=reorder) and the editor is redrawn. The up/down buttons do the same without a mouse.
(function () {
  "use strict";
  let dragged = null;
  function list(el) { return el && el.closest(".builder-fields"); }
  document.addEventListener("dragstart", function (e) {
    const item = e.target.closest && e.target.closest(".builder-field[draggable=true]");
    if (!item) return;
    dragged = item;
    item.classList.add("dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", item.dataset.key);
    e.stopPropagation();
  });
  document.addEventListener("dragover", function (e) {
    const over = e.target.closest && e.target.closest(".builder-field");
    if (!dragged || !over || list(over) !== list(dragged)) return;
    e.preventDefault();
    document.querySelectorAll(".drop-target").forEach(function (n) { n.classList.remove("drop-target"); });
    over.classList.add("drop-target");
  });
  document.addEventListener("drop", function (e) {
    const over = e.target.closest && e.target.closest(".builder-field");
    if (!dragged || !over || list(over) !== list(dragged)) return;
    e.preventDefault();
    const ul = list(over);
    ul.insertBefore(dragged, over === dragged ? dragged.nextSibling : over);
    const order = Array.from(ul.children).filter(function (n) { return n.dataset && n.dataset.key; })
      .map(function (n) { return n.dataset.key; });
    if (window.htmx) {
      window.htmx.ajax("POST", ul.dataset.url, {source: ul, target: "#builder-sections",
        values: {op: "reorder", container: ul.dataset.container, order: order.join(",")}});
    }
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    document.querySelectorAll(".drop-target").forEach(function (n) { n.classList.remove("drop-target"); });
    dragged = null;
  });
})();
