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

  // A round pin with the result's number; the number is set as text, never parsed as HTML.
  function numberedIcon(number) {
    var label = document.createElement("span");
    label.textContent = number;
    return L.divIcon({ className: "map-pin", html: label, iconSize: [28, 28], iconAnchor: [14, 14], popupAnchor: [0, -14] });
  }

  function link(name, url) {
    var anchor = document.createElement("a");
    anchor.href = url;
    anchor.textContent = name;  // textContent: names are never parsed as HTML
    return anchor;
  }

  var results = document.getElementById("results-map");
  if (results) {
    results.hidden = false;  // the page keeps an empty map out of sight without this script
    var cards = document.querySelectorAll(".practitioner-card[data-lat]");
    var map = baseMap(results);
    var bounds = [];
    cards.forEach(function (card, index) {
      var point = [parseFloat(card.dataset.lat), parseFloat(card.dataset.lon)];
      if (isNaN(point[0]) || isNaN(point[1])) { return; }
      // The pin carries the card's number, so list and map point at each other.
      var number = card.dataset.number || String(index + 1);
      var marker = L.marker(point, {
        title: number + ". " + card.dataset.name,
        alt: number + ". " + card.dataset.name,
        icon: numberedIcon(number)
      });
      marker.bindPopup(link(number + ". " + card.dataset.name, card.dataset.url));
      marker.addTo(map);
      bounds.push(point);
    });
    results.dataset.markers = String(bounds.length);
    // The searched place has a pin of its own, drawn beneath the practitioners' and kept out of the bounds
    // so a far-off place does not shrink the results.
    var place = [parseFloat(results.dataset.placeLat), parseFloat(results.dataset.placeLon)];
    if (!isNaN(place[0]) && !isNaN(place[1])) {
      // The page gives the words in its language (data-place-words: "Searched place: %s").
      var placeName = (results.dataset.placeWords || "Searched place: %s").replace("%s", results.dataset.placeName || "");
      L.marker(place, {
        title: placeName,
        alt: placeName,
        zIndexOffset: -1000,
        icon: L.divIcon({ className: "map-place", html: document.createElement("span"), iconSize: [18, 18], iconAnchor: [9, 9] })
      }).bindPopup(document.createTextNode(placeName)).addTo(map);
      results.dataset.placeMarker = "1";
    }
    var fit = function () {
      if (bounds.length) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 }); }
    };
    fit();
    // static/js/search.js sends this when its List / Map switch shows the map, which may have changed size.
    results.addEventListener("results-map:shown", function () { map.invalidateSize(); fit(); });
  }

  var single = document.getElementById("profile-map");
  if (single) {
    var point = [parseFloat(single.dataset.lat), parseFloat(single.dataset.lon)];
    if (!isNaN(point[0]) && !isNaN(point[1])) {
      var card = document.getElementById("profile-map-card");
      if (card) { card.hidden = false; }  // kept out of sight without this script: an empty map helps nobody
      var profileMap = baseMap(single);
      profileMap.setView(point, 14);
      L.marker(point, { title: single.dataset.name, alt: single.dataset.name }).addTo(profileMap);
      single.dataset.markers = "1";
    }
  }
})();
