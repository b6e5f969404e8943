// Small page behaviours, declared with data attributes so that no template needs an
// inline script or event handler (the Content-Security-Policy forbids both).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var printer = event.target.closest("[data-print]");
    if (printer) { event.preventDefault(); window.print(); }
  });
  // <select data-navigate="/base/url/"> goes to base url + chosen value.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-navigate]");
    if (select && select.value) { window.location.href = select.dataset.navigate + select.value + "/"; }
    var autosubmit = event.target.closest("form[data-autosubmit]");
    if (autosubmit) { autosubmit.requestSubmit(); }
  });
})();
