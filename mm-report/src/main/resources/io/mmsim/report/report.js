// The physical memory map of an mmsim report: every frame (or group of frames) a cell, coloured by
// use, one picture per recorded step; a slider and a play button step through time, hovering a cell
// names its frames. The data is the JSON block the report embeds; nothing is fetched.
(function () {
  'use strict';
  // a test in a headless browser reads these marks on the body: any error, and the drawn step
  window.addEventListener('error', function (e) {
    document.body.setAttribute('data-error', String(e.message));
  });
  var consoleError = console.error;
  console.error = function () {
    document.body.setAttribute('data-error', Array.prototype.join.call(arguments, ' '));
    consoleError.apply(console, arguments);
  };
  var data = JSON.parse(document.getElementById('frame-data').textContent);
  var canvas = document.getElementById('memmap');
  var ctx = canvas.getContext('2d');
  var slider = document.getElementById('step');
  var label = document.getElementById('step-label');
  var tip = document.getElementById('tip');
  var counts = document.getElementById('use-counts');
  var cells = Math.ceil(data.frames / data.cellFrames);
  var cols = data.cols;
  var rows = Math.ceil(cells / cols);
  var size = data.cell;
  canvas.width = cols * size;
  canvas.height = rows * size;
  slider.max = data.steps.length - 1;

  function hash(s) {
    var h = 0;
    for (var i = 0; i < s.length; i++) { h = (h * 31 + s.charCodeAt(i)) | 0; }
    return Math.abs(h);
  }

  // Colour of a cell: free blocks green, lighter for small orders; each slab cache its own red
  // or purple; each process its own blue; the rest fixed (see the legend).
  function colour(use, order, owner) {
    var name = data.uses[use];
    var who = data.owners[owner] || '';
    switch (name) {
      case 'free': return 'hsl(130,45%,' + (86 - order * 4.5) + '%)';
      case 'free (per-CPU list)': return '#b8e6d8';
      case 'allocated': return '#9e9e9e';
      case 'reserved': return '#5f5f5f';
      case 'kernel image': return '#222';
      case 'zero page': return '#f0e442';
      case 'page table': return '#ff7f0e';
      case 'slab': return 'hsl(' + (300 + hash(who) % 70) % 360 + ',60%,' + (42 + hash(who) % 20) + '%)';
      case 'kmalloc (large)': return '#e377c2';
      case 'vmalloc': return '#bcbd22';
      case 'user anonymous': return 'hsl(' + (195 + hash(who) % 40) + ',75%,' + (38 + hash(who) % 22) + '%)';
      case 'page cache': return '#8c564b';
      case 'swap cache': return '#17becf';
      default: return '#000';
    }
  }

  function decode(key) {
    return { use: key & 31, order: (key >> 5) & 15, owner: key >>> 9 };
  }

  function draw(i) {
    var runs = data.steps[i].runs;
    var cell = 0;
    var tally = {};
    for (var r = 0; r < runs.length; r += 2) {
      var k = decode(runs[r]);
      ctx.fillStyle = colour(k.use, k.order, k.owner);
      var name = data.uses[k.use];
      tally[name] = (tally[name] || 0) + runs[r + 1] * data.cellFrames;
      for (var n = 0; n < runs[r + 1]; n++, cell++) {
        ctx.fillRect((cell % cols) * size, Math.floor(cell / cols) * size, size, size);
      }
    }
    label.textContent = 'step ' + i + ' of ' + (data.steps.length - 1) + ': ' + data.steps[i].label;
    var parts = [];
    Object.keys(tally).sort().forEach(function (u) {
      parts.push(u + ' ' + tally[u]);
    });
    counts.textContent = (data.cellFrames > 1 ? 'cells (x' + data.cellFrames + ' frames): ' : 'frames: ') + parts.join(', ');
    document.body.setAttribute('data-drawn', String(i));
  }

  function cellAt(i, c) {
    var runs = data.steps[i].runs;
    var cell = 0;
    for (var r = 0; r < runs.length; r += 2) {
      if (c < cell + runs[r + 1]) { return decode(runs[r]); }
      cell += runs[r + 1];
    }
    return null;
  }

  canvas.addEventListener('mousemove', function (e) {
    var box = canvas.getBoundingClientRect();
    var x = Math.floor((e.clientX - box.left) * canvas.width / box.width / size);
    var y = Math.floor((e.clientY - box.top) * canvas.height / box.height / size);
    var c = y * cols + x;
    var k = c < cells ? cellAt(+slider.value, c) : null;
    if (!k) { tip.style.display = 'none'; return; }
    var pfn = c * data.cellFrames;
    var name = data.uses[k.use];
    var text = (data.cellFrames > 1 ? 'pfn 0x' + pfn.toString(16) + '-0x' + (pfn + data.cellFrames - 1).toString(16) + ' (mostly) '
        : 'pfn 0x' + pfn.toString(16) + ': ') + name;
    if (name === 'free') { text += ', in a block of order ' + k.order; }
    if (data.owners[k.owner]) { text += ' (' + data.owners[k.owner] + ')'; }
    tip.textContent = text;
    tip.style.display = 'block';
    tip.style.left = (e.pageX + 12) + 'px';
    tip.style.top = (e.pageY + 12) + 'px';
  });
  canvas.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
  slider.addEventListener('input', function () { draw(+slider.value); });

  var timer = null;
  var play = document.getElementById('play');
  play.addEventListener('click', function () {
    if (timer) { clearInterval(timer); timer = null; play.textContent = 'Play'; return; }
    if (+slider.value >= data.steps.length - 1) { slider.value = 0; }
    play.textContent = 'Pause';
    timer = setInterval(function () {
      if (+slider.value >= data.steps.length - 1) { clearInterval(timer); timer = null; play.textContent = 'Play'; return; }
      slider.value = +slider.value + 1;
      draw(+slider.value);
    }, 400);
  });
  document.getElementById('prev').addEventListener('click', function () {
    slider.value = Math.max(0, +slider.value - 1); draw(+slider.value);
  });
  document.getElementById('next').addEventListener('click', function () {
    slider.value = Math.min(data.steps.length - 1, +slider.value + 1); draw(+slider.value);
  });

  // the legend, drawn with the same colours
  var legend = document.getElementById('legend');
  var items = [];
  for (var o = 0; o <= 10; o += 2) { items.push([colour(0, o, 0), 'free, order ' + o]); }
  data.uses.forEach(function (u, i) { if (u !== 'free') { items.push([colour(i, 0, 0), u]); } });
  items.forEach(function (it) {
    var s = document.createElement('span');
    s.className = 'key';
    var b = document.createElement('b');
    b.style.background = it[0];
    s.appendChild(b);
    s.appendChild(document.createTextNode(it[1]));
    legend.appendChild(s);
  });
  slider.value = data.start;
  draw(data.start);
})();
