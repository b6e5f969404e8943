// Search-as-you-type for the selects marked data-autocomplete-url: the page renders only
// the chosen record (a filter may name one of thousands); the others are fetched as the
// user types (cmo_portal/autocomplete.py).
(function () {
  "use strict";
  document.querySelectorAll("select[data-autocomplete-url]").forEach(function (select) {
    var url = select.dataset.autocompleteUrl;
    new TomSelect(select, {
      valueField: "id",
      labelField: "text",
      searchField: ["text"],
      plugins: ["clear_button"],  // back to "any"
      maxOptions: 20,
      loadThrottle: 200,
      preload: "focus",
      placeholder: "Type to search",
      load: function (query, callback) {
        fetch(url + "?q=" + encodeURIComponent(query), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) { return response.json(); })
          .then(function (data) { callback(data.results); })
          .catch(function () { callback(); });
      },
      render: {
        no_results: function () { return '<div class="no-results">No match</div>'; },
      },
    });
  });
})();
