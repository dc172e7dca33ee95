// Årshjul's one script, for every page: each part acts only where its elements are.
// Everything it adds is an extra – without JavaScript every page shows all it has.
"use strict";

// "Kopiera adressen" on the start page (and wherever a button has data-copy)
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(button.dataset.copy).then(function () {
      button.textContent = "Kopierad";
    });
  });
});

// the wheel: zoom to a quarter or a month and switch rings off – all in the address, so
// a view can be shared
(function () {
  var form = document.getElementById("view"), wheel = document.querySelector("svg.wheel");
  if (!form || !wheel) return;
  form.hidden = false;
  var whole = wheel.getAttribute("viewBox"), select = document.getElementById("visa");
  var boxes = form.querySelectorAll("input[name=ring]");
  var months = form.dataset.months.split(" "), radius = Number(form.dataset.radius);
  function span(value) {
    if (/^k[1-4]$/.test(value)) { var q = +value[1] - 1; return [q * 90, q * 90 + 90]; }
    var m = months.indexOf(value);
    return m < 0 ? null : [m * 30, m * 30 + 30];
  }
  function box(a, b) {  // the sector from the centre out past the month names
    var xs = [0], ys = [0];
    for (var d = a; d <= b; d += 5) {
      var t = d * Math.PI / 180; xs.push(radius * Math.sin(t)); ys.push(-radius * Math.cos(t));
    }
    var x = Math.min.apply(null, xs), y = Math.min.apply(null, ys);
    return [x, y, Math.max.apply(null, xs) - x, Math.max.apply(null, ys) - y].join(" ");
  }
  function apply() {
    var s = span(select.value);
    wheel.setAttribute("viewBox", s ? box(s[0], s[1]) : whole);
    var off = [];
    boxes.forEach(function (b) {
      if (!b.checked) off.push(b.value);
      wheel.querySelectorAll('[data-ring="' + b.value + '"]').forEach(function (e) {
        e.classList.toggle("off", !b.checked);
      });
    });
    var params = new URLSearchParams();
    if (select.value) params.set("visa", select.value);
    if (off.length) params.set("dolda", off.join(","));
    history.replaceState(null, "", params.toString() ? "?" + params : location.pathname);
  }
  var given = new URLSearchParams(location.search);
  if (span(given.get("visa") || "")) select.value = given.get("visa");
  var hidden = (given.get("dolda") || "").split(",");
  boxes.forEach(function (b) { b.checked = hidden.indexOf(b.value) < 0; });
  form.addEventListener("change", apply);
  apply();
})();

// the wheel: a mark's date, time and body in the line under it, on hover and on focus
(function () {
  var info = document.getElementById("wheel-info");
  if (!info) return;
  document.querySelectorAll("svg.wheel a.meeting").forEach(function (mark) {
    function show() { info.textContent = mark.getAttribute("data-info"); }
    mark.addEventListener("focus", show);
    mark.addEventListener("mouseenter", show);
  });
})();

// the assignments: filters by body, owner and status
(function () {
  var form = document.getElementById("filter");
  if (!form) return;
  form.hidden = false;
  var selects = form.querySelectorAll("select");
  var rows = document.querySelectorAll("tbody tr[data-status]");
  var shown = document.getElementById("shown");
  function apply() {
    var n = 0;
    rows.forEach(function (row) {
      var ok = true;
      selects.forEach(function (s) {
        if (s.value && row.dataset[s.dataset.column] !== s.value) ok = false;
      });
      row.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = n + " av " + rows.length + " uppdrag visas.";
  }
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  apply();
})();
