"""The explorer's script: hand-written vanilla JavaScript, inlined into the report.

It only reads ``#explorer-data`` and draws SVG (through ``innerHTML`` on inline ``<svg>``
elements, so no namespace URL is needed); every number it shows was computed in Python.
"""

EXPLORER_JS = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("explorer-data").textContent);
  var names = data.feature_names, p = names.length;
  var slider = document.getElementById("alpha-slider");
  var penaltySelect = document.getElementById("penalty-select");
  var selectA = document.getElementById("feature-a");
  var selectB = document.getElementById("feature-b");
  var palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                 "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

  function escapeText(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
    });
  }
  function fmt(x, digits) { return Number(x).toPrecision(digits || 3); }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }
  function currentPath() { return data.paths[penaltySelect.value]; }
  function standardized(path, k, j) { return path.coefs[k][j] * data.feature_std[j]; }
  function largest(path) {
    if (path.largest === undefined) {
      var m = 0;
      for (var k = 0; k < path.coefs.length; k++)
        for (var j = 0; j < p; j++) m = Math.max(m, Math.abs(standardized(path, k, j)));
      path.largest = m > 0 ? m : 1;
    }
    return path.largest;
  }

  function drawBars(path, k) {
    var svg = document.getElementById("coef-bars");
    var row = 18, label = 170, width = 560, height = row * p + 24;
    var centre = label + (width - label - 10) / 2, half = (width - label - 10) / 2;
    var scale = half / largest(path), parts = [];
    parts.push('<line x1="' + centre + '" y1="4" x2="' + centre + '" y2="' + (height - 18) +
               '" stroke="#888" stroke-width="1"/>');
    for (var j = 0; j < p; j++) {
      var y = 6 + j * row, value = standardized(path, k, j), zero = path.coefs[k][j] === 0;
      parts.push('<text x="' + (label - 6) + '" y="' + (y + 12) + '" text-anchor="end" ' +
                 'class="' + (zero ? "bar-label zero" : "bar-label") + '">' +
                 escapeText(names[j]) + '</text>');
      if (zero) {
        parts.push('<text x="' + (centre + 6) + '" y="' + (y + 12) +
                   '" class="zero-mark">0 (exactly)</text>');
      } else {
        var x = value >= 0 ? centre : centre + value * scale;
        parts.push('<rect class="bar" x="' + x + '" y="' + (y + 2) + '" width="' +
                   Math.max(Math.abs(value * scale), 1) + '" height="' + (row - 5) +
                   '" fill="' + (value >= 0 ? "#d62728" : "#1f77b4") + '">' +
                   '<title>' + escapeText(names[j]) + ": " + fmt(value, 4) + '</title></rect>');
      }
    }
    parts.push('<text x="' + centre + '" y="' + (height - 4) + '" text-anchor="middle" ' +
               'class="axis">standardised coefficient (±' + fmt(largest(path)) + ')</text>');
    svg.setAttribute("height", height);
    svg.innerHTML = parts.join("");
  }

  function drawPath(path, k) {
    var svg = document.getElementById("path-plot");
    var width = 560, height = 280, left = 40, right = 10, top = 10, bottom = 36;
    var n = path.alphas.length, m = largest(path);
    function X(i) { return left + (n > 1 ? i / (n - 1) : 0) * (width - left - right); }
    function Y(v) { return top + (1 - (v / m + 1) / 2) * (height - top - bottom); }
    var parts = ['<line x1="' + left + '" y1="' + Y(0) + '" x2="' + (width - right) +
                 '" y2="' + Y(0) + '" stroke="#888"/>'];
    for (var j = 0; j < p; j++) {
      var points = [];
      for (var i = 0; i < n; i++)
        points.push(X(i).toFixed(1) + "," + Y(standardized(path, i, j)).toFixed(1));
      parts.push('<polyline fill="none" stroke-width="1.3" stroke="' +
                 palette[j % palette.length] + '" points="' + points.join(" ") + '">' +
                 '<title>' + escapeText(names[j]) + '</title></polyline>');
    }
    parts.push('<line id="path-cursor" x1="' + X(k) + '" y1="' + top + '" x2="' + X(k) +
               '" y2="' + (height - bottom) + '" stroke="#000" stroke-width="1.5" ' +
               'stroke-dasharray="4 3"/>');
    var chosen = path.chosen_index;
    parts.push('<line id="path-choice" x1="' + X(chosen) + '" y1="' + top + '" x2="' + X(chosen) +
               '" y2="' + (height - bottom) + '" stroke="#2ca02c" stroke-width="1.2"/>' +
               '<text x="' + (X(chosen) + 3) + '" y="' + (top + 10) +
               '" class="axis" fill="#2ca02c">CV choice</text>');
    parts.push('<text x="' + left + '" y="' + (height - 20) + '" class="axis">α = ' +
               fmt(path.alphas[0]) + '</text>');
    parts.push('<text x="' + (width - right) + '" y="' + (height - 20) +
               '" text-anchor="end" class="axis">α = ' + fmt(path.alphas[n - 1]) + '</text>');
    parts.push('<text x="' + (width / 2) + '" y="' + (height - 4) + '" text-anchor="middle" ' +
               'class="axis">α, log scale, decreasing →</text>');
    svg.innerHTML = parts.join("");
  }

  function findPair(a, b) {
    // each entry names its features in the order of its numbers (w1, w2)
    var pairs = data.geometry.pairs;
    for (var i = 0; i < pairs.length; i++) {
      var f = pairs[i].features;
      if (f[0] === a && f[1] === b) return {entry: pairs[i], swapped: false};
      if (f[0] === b && f[1] === a) return {entry: pairs[i], swapped: true};
    }
    return null;
  }

  function axisLabels(a, b, size) {
    return '<text id="geometry-label-w1" x="6" y="14" class="axis">w₁: ' +
      '<tspan id="geometry-name-w1">' + escapeText(names[a]) + '</tspan> →</text>' +
      '<text id="geometry-label-w2" x="6" y="' + (size - 6) + '" class="axis">↑ w₂: ' +
      '<tspan id="geometry-name-w2">' + escapeText(names[b]) + '</tspan></text>';
  }

  function geometryMessage(svg, caption, a, b, message) {
    svg.innerHTML = axisLabels(a, b, 380) +
      '<foreignObject x="20" y="120" width="340" height="140"><p ' +
      'id="geometry-message" class="geometry-message">' + escapeText(message) +
      '</p></foreignObject>';
    caption.textContent = "";
  }

  function drawGeometry(k) {
    var svg = document.getElementById("geometry-plot");
    var caption = document.getElementById("geometry-caption");
    if (!selectA || !selectB) return;
    var a = Number(selectA.value), b = Number(selectB.value);
    if (a === b) {
      geometryMessage(svg, caption, a, b, "Choose two different features.");
      return;
    }
    var found = findPair(a, b);
    if (found === null) {
      geometryMessage(svg, caption, a, b, "No geometry was computed for this pair.");
      return;
    }
    var g = found.entry, swapped = found.swapped;
    if (g.skipped) {
      geometryMessage(svg, caption, a, b, g.skipped);
      return;
    }
    function pt(v) { return swapped ? [v[1], v[0]] : v; }
    var size = 380, c = size / 2, s = (c - 12) / g.extent;
    function X(x) { return c + x * s; }
    function Y(y) { return c - y * s; }
    var t = g.budget[k], ols = pt(g.ols);
    var angle = swapped ? 90 - g.angle : g.angle;
    function ellipse(radii, colour) {
      return '<ellipse cx="' + X(ols[0]) + '" cy="' + Y(ols[1]) + '" rx="' + radii[0] * s +
             '" ry="' + radii[1] * s + '" transform="rotate(' + (-angle) + " " + X(ols[0]) +
             " " + Y(ols[1]) + ')" fill="none" stroke="' + colour + '" stroke-dasharray="5 3"/>';
    }
    var w1 = pt(g.l1[k]), w2 = pt(g.l2[k]);
    var parts = [
      '<line x1="0" y1="' + c + '" x2="' + size + '" y2="' + c + '" stroke="#999"/>',
      '<line x1="' + c + '" y1="0" x2="' + c + '" y2="' + size + '" stroke="#999"/>',
      '<polygon id="geometry-diamond" points="' + [X(t) + "," + Y(0), X(0) + "," + Y(t),
        X(-t) + "," + Y(0), X(0) + "," + Y(-t)].join(" ") +
        '" fill="rgba(214,39,40,0.15)" stroke="#d62728"/>',
      '<circle id="geometry-circle" cx="' + c + '" cy="' + c + '" r="' + t * s +
        '" fill="none" stroke="#1f77b4"/>',
      ellipse(g.l1_radii[k], "#d62728"), ellipse(g.l2_radii[k], "#1f77b4"),
      '<circle cx="' + X(w1[0]) + '" cy="' + Y(w1[1]) + '" r="5" fill="#d62728" stroke="#000"/>',
      '<rect x="' + (X(w2[0]) - 4.5) + '" y="' + (Y(w2[1]) - 4.5) +
        '" width="9" height="9" fill="#1f77b4" stroke="#000"/>',
      '<text x="' + X(ols[0]) + '" y="' + (Y(ols[1]) + 5) +
        '" text-anchor="middle" font-size="15">★</text>',
      axisLabels(a, b, size)
    ];
    svg.innerHTML = parts.join("");
    var zeros = (w1[0] === 0 ? 1 : 0) + (w1[1] === 0 ? 1 : 0);
    var inside = Math.sqrt(w2[0] * w2[0] + w2[1] * w2[1]) < t * (1 - 1e-9);
    caption.textContent = "2-feature lasso at α = " + fmt(data.geometry_alphas[k]) +
      ": budget t = " + fmt(t) + "; L1 optimum (" + fmt(w1[0]) + ", " + fmt(w1[1]) +
      ") with " + plural(zeros, "exact zero", "exact zeros") + "; L2 optimum (" +
      fmt(w2[0]) + ", " + fmt(w2[1]) + ")" +
      (inside ? ", inside the circle: the " + data.wording.fit + " itself" : " on the circle") +
      "; ★ " + data.wording.fit + "; dashed: the " + data.wording.contour +
      " through each optimum.";
  }

  function update() {
    var path = currentPath();
    slider.max = String(path.alphas.length - 1);
    var k = Math.min(Number(slider.value), path.alphas.length - 1), zeros = [];
    for (var j = 0; j < p; j++) if (path.coefs[k][j] === 0) zeros.push(names[j]);
    document.getElementById("zero-count").textContent =
      zeros.length + " of " + p + " coefficients exactly zero";
    document.getElementById("zero-features").textContent =
      zeros.length ? "(zero: " + zeros.join(", ") + ")" : "";
    document.getElementById("alpha-value").textContent = fmt(path.alphas[k], 4);
    document.getElementById("alpha-choice").textContent =
      k === path.chosen_index ? " (the cross-validated choice)" : "";
    drawBars(path, k);
    drawPath(path, k);
    drawGeometry(nearestGeometry(path.alphas[k]));
  }

  // the geometry is the lasso's: drawn at its grid point nearest (in log α) to the slider's α
  function nearestGeometry(alpha) {
    var alphas = data.geometry_alphas, best = alphas.length - 1;
    if (!(alpha > 0)) return best;
    var distance = function (i) { return Math.abs(Math.log(alphas[i] / alpha)); };
    for (var i = 0; i < alphas.length; i++) if (distance(i) < distance(best)) best = i;
    return best;
  }

  slider.addEventListener("input", update);
  slider.addEventListener("change", update);
  penaltySelect.addEventListener("change", function () {
    slider.value = String(currentPath().chosen_index);  // each penalty opens at its CV choice
    update();
  });
  if (selectA) selectA.addEventListener("change", update);
  if (selectB) selectB.addEventListener("change", update);
  slider.value = String(currentPath().chosen_index);
  update();
})();
"""
