// Taskgrid dashboard: live rows from the lifecycle stream (/ui/events). No framework, no build.
// Data is put in the page with textContent only, never as markup.
(function () {
  'use strict';
  const live = document.querySelector('[data-live]');
  const indicator = document.getElementById('live');
  if (!live || !window.EventSource) return;
  const kind = live.dataset.live;
  const shortStatus = s => (s || '').replace('EXECUTION_STATUS_', '');
  const shortId = id => (id.length > 13 ? id.substring(0, 8) + '\u2026' : id);
  const say = (text, on) => { indicator.textContent = text; indicator.classList.toggle('on', !!on); };

  let url = '/ui/events';
  if (kind === 'execution') url += '?execution=' + encodeURIComponent(live.dataset.executionId);
  if (kind === 'task') url += '?task=' + encodeURIComponent(live.dataset.taskId);
  const events = new EventSource(url);
  events.onopen = () => say('live', true);
  events.onerror = () => say('live updates: reconnecting\u2026', false);
  events.addEventListener('unavailable', e => { say(e.data, false); events.close(); });
  events.onmessage = e => {
    const event = JSON.parse(e.data);
    if (kind === 'executions') executions(event);
    else if (kind === 'tasks') tasks(event);
    else if (kind === 'execution' || kind === 'task') say('changed: reload to see it', true);
  };

  // as the server writes times: 2026-12-01 17:20:14Z
  function time(rfc3339) {
    return (rfc3339 || '').replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  }
  function cell(text, className) {
    const td = document.createElement('td');
    if (className) td.className = className;
    if (text instanceof Node) td.appendChild(text); else td.textContent = text == null || text === '' ? '-' : text;
    return td;
  }
  function link(href, text) {
    const a = document.createElement('a');
    a.href = href;
    a.textContent = text;
    return a;
  }
  function badge(status) {
    const span = document.createElement('span');
    span.className = 'status ' + status.toLowerCase();
    span.textContent = status;
    return span;
  }
  function rowOf(attr, id) {
    return document.querySelector('tr[' + attr + '="' + CSS.escape(id) + '"]');
  }

  function matches(event) {
    const f = live.dataset;
    if (f.task && event.taskId !== f.task) return false;
    if (f.handler && event.handler !== f.handler) return false;
    if (f.status && shortStatus(event.status) !== f.status) return false;
    if (f.label) {
      const labels = event.labels || {};
      for (const pair of f.label.split(',')) {
        const at = pair.indexOf('=');
        if (labels[pair.substring(0, at).trim()] !== pair.substring(at + 1).trim()) return false;
      }
    }
    return true;
  }

  // how far an execution has come: attempt first, then queued < running < retry scheduled or ended
  function progress(attempt, status) {
    const stage = { PENDING: 0, QUEUED: 0, RUNNING: 1 }[String(status).trim()];
    return (parseInt(attempt, 10) || 1) * 3 + (stage === undefined ? 2 : stage);
  }

  function executions(event) {
    if (!event.executionId) return;
    const status = shortStatus(event.status);
    const row = rowOf('data-execution-id', event.executionId);
    if (row) {
      // events come from coordinators and workers and may arrive out of order (a worker's STARTED
      // after the coordinator's SUCCEEDED): a row only moves forward, by attempt, then by stage
      const shown = progress(row.querySelector('td.attempt').textContent, row.querySelector('td.status').textContent);
      if (progress(event.attempt, status) < shown) return;
      row.querySelector('td.status').replaceChildren(badge(status));
      if (event.attempt) row.querySelector('td.attempt').textContent = event.attempt;
      if (event.workerId) row.querySelector('td.worker').textContent = event.workerId;
      if (/SUCCEEDED|FAILED|SKIPPED|CANCELLED/.test(event.kind)) row.querySelector('td.finished').textContent = time(event.time);
      return;
    }
    // a new execution is queued; with a status filter, one that reaches that status joins the list too
    if (!(event.kind === 'EXECUTION_QUEUED' || live.dataset.status) || !matches(event)) return;
    const tr = document.createElement('tr');
    tr.dataset.executionId = event.executionId;
    tr.className = 'new';
    tr.append(cell(link('/ui/executions/' + encodeURIComponent(event.executionId), shortId(event.executionId))),
      cell(event.taskId ? link('/ui/tasks/' + encodeURIComponent(event.taskId), event.taskId) : '-'),
      cell(event.handler), cell(badge(status), 'status'), cell(event.attempt || 1, 'attempt'), cell(time(event.time)),
      cell('', 'finished'), cell(event.workerId, 'worker'),
      cell(Object.entries(event.labels || {}).sort().map(([k, v]) => k + '=' + v).join(', ')));
    live.querySelector('tbody').prepend(tr);
    const empty = document.querySelector('p.empty');
    if (empty) empty.remove();
  }

  function tasks(event) {
    if (!event.taskId) return;
    const row = rowOf('data-task-id', event.taskId);
    if (!row) {
      if (event.kind === 'TASK_REGISTERED') say('live: new tasks, reload to see them', true);
      return;
    }
    const state = { TASK_PAUSED: 'PAUSED', TASK_RESUMED: 'ACTIVE', TASK_DELETED: 'DELETED' }[event.kind];
    if (state) row.querySelector('td.state').textContent = state;
    if (event.executionId && event.kind === 'EXECUTION_QUEUED') {
      row.querySelector('td.last-execution').replaceChildren(link('/ui/executions/' + encodeURIComponent(event.executionId), shortId(event.executionId)));
    }
  }
}());
