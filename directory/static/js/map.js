// Maps for the search results and the profile page. The pages work without this script:
// it only adds a map when Leaflet has loaded, and the list stays the primary view.
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }

  function baseMap(element) {
    var map = L.map(element, { scrollWheelZoom: false });
    var tiles = L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution, maxZoom: 18 });
    tiles.on("tileerror", function () { element.classList.add("tiles-failed"); });
    tiles.addTo(map);
    return map;
  }

  function link(name, url) {
    var anchor = document.createElement("a");
    anchor.href = url;
    anchor.textContent = name;  // textContent: names are never parsed as HTML
    return anchor;
  }

  var results = document.getElementById("results-map");
  if (results) {
    var cards = document.querySelectorAll(".practitioner-card[data-lat]");
    var map = baseMap(results);
    var bounds = [];
    cards.forEach(function (card, index) {
      var point = [parseFloat(card.dataset.lat), parseFloat(card.dataset.lon)];
      if (isNaN(point[0]) || isNaN(point[1])) { return; }
      var marker = L.marker(point, { title: card.dataset.name, alt: card.dataset.name });
      marker.bindPopup(link((index + 1) + ". " + card.dataset.name, card.dataset.url));
      marker.addTo(map);
      bounds.push(point);
    });
    results.dataset.markers = String(bounds.length);
    if (bounds.length) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 }); }
  }

  var single = document.getElementById("profile-map");
  if (single) {
    var point = [parseFloat(single.dataset.lat), parseFloat(single.dataset.lon)];
    if (!isNaN(point[0]) && !isNaN(point[1])) {
      var profileMap = baseMap(single);
      profileMap.setView(point, 14);
      L.marker(point, { title: single.dataset.name, alt: single.dataset.name }).addTo(profileMap);
      single.dataset.markers = "1";
    }
  }
})();
