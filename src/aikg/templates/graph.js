/* aikg graph pages: draw the graph embedded in #aikg-data with vis-network.
 *
 * All text from the graph reaches the page through textContent (tooltips) or
 * the canvas (labels); nothing is ever parsed as HTML. Once the first frame is
 * drawn, the page records what it rendered on <body>: data-rendered-nodes,
 * data-rendered-edges and data-render-ms (used by the browser test).
 */
(function () {
  "use strict";
  var body = document.body;
  var errors = 0;
  window.addEventListener("error", function (event) {
    errors += 1;
    body.setAttribute("data-js-errors", String(errors));
    body.setAttribute("data-js-error", String(event.message || "error"));
  });

  var holder = document.getElementById("aikg-graph");
  var source = document.getElementById("aikg-data");
  if (!holder || !source) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var styles = data.styles;

  function tip(lines) {
    var box = document.createElement("div");
    box.className = "aikg-tip";
    lines.forEach(function (line, index) {
      var row = document.createElement("div");
      row.className = index === 0 ? "aikg-tip-head" : "aikg-tip-line";
      row.textContent = line;
      box.appendChild(row);
    });
    return box;
  }

  var urls = {};
  var nodes = data.nodes.map(function (n) {
    var style = styles.types[n.type];
    if (n.url) {
      urls[n.id] = n.url;
    }
    return {
      id: n.id,
      label: n.label,
      x: n.x,
      y: n.y,
      size: n.size,
      shape: style.shape,
      borderWidth: n.focus ? 3 : 1,
      color: {
        background: style.color,
        border: n.focus ? "#111111" : style.border,
        highlight: { background: style.color, border: "#111111" },
        hover: { background: style.color, border: "#111111" }
      },
      font: n.focus ? { size: 18, bold: true } : undefined,
      title: tip(n.tip)
    };
  });
  var edges = data.edges.map(function (e) {
    var style = styles.edges[e.kind];
    return {
      id: e.id,
      from: e.from,
      to: e.to,
      label: e.label || undefined,
      arrows: style.dashes ? "" : "to",
      dashes: style.dashes,
      color: { color: style.color, highlight: "#333333", hover: "#333333" },
      smooth: e.curve ? { enabled: true, type: "curvedCW", roundness: e.curve } : false,
      title: tip(e.tip)
    };
  });

  var network = new vis.Network(
    holder,
    { nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) },
    data.options
  );
  network.once("afterDrawing", function () {
    body.setAttribute("data-rendered-nodes", String(network.body.nodeIndices.length));
    body.setAttribute("data-rendered-edges", String(network.body.edgeIndices.length));
    body.setAttribute("data-render-ms", String(Math.round(performance.now())));
  });
  network.on("click", function (params) {
    if (params.nodes.length === 1 && Object.prototype.hasOwnProperty.call(urls, params.nodes[0])) {
      window.location.href = urls[params.nodes[0]];
    }
  });
  network.on("hoverNode", function (params) {
    holder.style.cursor = Object.prototype.hasOwnProperty.call(urls, params.node) ? "pointer" : "default";
  });
  network.on("blurNode", function () {
    holder.style.cursor = "default";
  });
  var fit = document.getElementById("aikg-fit");
  if (fit) {
    fit.addEventListener("click", function () {
      network.fit({ animation: false });
    });
  }
})();
