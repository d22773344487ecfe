// On every page: times in the viewer's own zone, and the phone menu closes with Escape.
// Without this script the page reads as served: times in UTC (said so), the menu closed by its button.
(function () {
  "use strict";
  var DAY = { month: "short", day: "numeric", year: "numeric" };
  var MOMENT = { month: "short", day: "numeric", year: "numeric", hour: "2-digit", minute: "2-digit",
                 hourCycle: "h23", timeZoneName: "short" };

  // <time datetime="ISO with offset" data-local="day|moment">, written by templates/_macros/time.html,
  // in the page's language (<html lang>: "en" reads "Dec 1, 2026", "es" "1 dic 2026").
  var locale = document.documentElement.lang === "es" ? "es" : "en-US";
  document.querySelectorAll("time[data-local]").forEach(function (element) {
    var moment = new Date(element.getAttribute("datetime"));
    if (isNaN(moment.getTime())) { return; }
    var options = element.dataset.local === "moment" ? MOMENT : DAY;
    element.textContent = moment.toLocaleString(locale, options);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var menu = document.querySelector("details.nav-menu[open]");
    if (!menu) { return; }
    menu.open = false;
    menu.querySelector("summary").focus();
  });
})();
