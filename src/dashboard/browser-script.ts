// The one script the dashboard's pages run in the browser (served as /assets/dashboard.js): it draws
// the charts whose specs a page embeds, and on a run page follows the run's log through
// server-sent events, adding each new epoch to the table and the charts without a reload.
// window.catrain exposes the views and the records received, which the browser tests read.
export const DASHBOARD_SCRIPT = String.raw`(function () {
  'use strict';
  var views = {};
  var records = [];
  var state = { views: views, records: records, ready: null, events: 0 };
  window.catrain = state;

  function embedAll() {
    var jobs = [];
    document.querySelectorAll('[data-chart]').forEach(function (el) {
      var name = el.getAttribute('data-chart');
      var source = document.getElementById(name + '-spec');
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      jobs.push(vegaEmbed(el, spec, { renderer: 'svg', actions: false }).then(function (result) {
        views[name] = result.view;
      }));
    });
    return Promise.all(jobs);
  }

  function cell(text, numeric) {
    var td = document.createElement('td');
    if (numeric) td.className = 'num';
    td.textContent = text;
    return td;
  }

  function fixed(value, digits, scale, suffix) {
    return typeof value === 'number' && isFinite(value) ? (value * (scale || 1)).toFixed(digits) + (suffix || '') : '–';
  }

  function addRow(record) {
    var body = document.querySelector('#epochs tbody');
    if (!body) return;
    var tr = document.createElement('tr');
    tr.setAttribute('data-epoch', String(record.epoch));
    tr.appendChild(cell(String(record.epoch), true));
    tr.appendChild(cell(fixed(record.train_loss, 4), true));
    tr.appendChild(cell(fixed(record.train_acc, 2, 1, '%'), true));
    tr.appendChild(cell(fixed(record.test_acc, 2, 1, '%'), true));
    tr.appendChild(cell(fixed(record.macs_fraction, 1, 100, '%'), true));
    tr.appendChild(cell(fixed(record.epoch_s, 1, 1, ' s'), true));
    // Data-parallel epochs: all workers together, then one worker's share.
    var perWorker = record.workers > 1 ? ' (' + fixed(record.img_s_per_worker, 0) + ' per worker)' : '';
    tr.appendChild(cell(fixed(record.img_s, 0) + perWorker, true));
    body.appendChild(tr);
  }

  function insertIntoCharts(batch) {
    Object.keys(views).forEach(function (name) {
      var view = views[name];
      try {
        view.change('log', vega.changeset().insert(batch)).run();
      } catch (error) {
        // Charts without a 'log' dataset (sweep pages) have nothing to follow.
      }
    });
  }

  function clearAll() {
    records.length = 0;
    var body = document.querySelector('#epochs tbody');
    if (body) body.textContent = '';
    Object.keys(views).forEach(function (name) {
      try {
        views[name].change('log', vega.changeset().remove(function () { return true; })).run();
      } catch (error) { /* as above */ }
    });
  }

  function setStatus(status) {
    var el = document.getElementById('status');
    if (!el) return;
    el.textContent = status;
    el.className = 'status status-' + status;
  }

  function follow(url) {
    var source = new EventSource(url);
    source.addEventListener('record', function (event) {
      var record = JSON.parse(event.data);
      records.push(record);
      state.events += 1;
      addRow(record);
      insertIntoCharts([record]);
      var done = document.getElementById('epochs-done');
      if (done) done.textContent = String(record.epoch);
    });
    source.addEventListener('reset', clearAll);
    source.addEventListener('status', function (event) {
      var status = JSON.parse(event.data).status;
      setStatus(status);
      if (status !== 'running') source.close();
    });
  }

  function start() {
    state.ready = embedAll().then(function () {
      var live = document.getElementById('live');
      if (live) follow(live.getAttribute('data-events'));
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
`;
