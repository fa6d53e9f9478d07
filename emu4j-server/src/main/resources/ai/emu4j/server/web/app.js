// emu4j web page: plain JS, no build step, no third-party code. Talks to the same server's OpenAI-style API;
// streams are read from fetch() (EventSource cannot POST) and closing one (Cancel) stops the work on the server.
'use strict';

const DEFAULT_NEGATIVE = 'lowres, bad anatomy, bad hands, text, error, missing fingers, extra digit, fewer digits, cropped, '
  + 'worst quality, low quality, normal quality, jpeg artifacts, signature, watermark, username, blurry.';
const $ = (id) => document.getElementById(id);
const state = { model: null, lastSeed: null, genAbort: null, askAbort: null, image: null, previewLog: [] };
window.emu4jPreviewLog = state.previewLog;   // rows_done of every partial image drawn (read by the browser test)

function showError(message) {
  const e = $('error');
  e.textContent = message;
  e.hidden = !message;
}

async function errorMessage(resp) {
  try {
    const j = await resp.json();
    if (j && j.error) return `${resp.status}: ${j.error.message}`;
  } catch (_) { /* not JSON */ }
  return `HTTP ${resp.status}`;
}

// Server-sent events from a fetch body; events may be split across network chunks.
async function readEvents(resp, onEvent) {
  const reader = resp.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = null;
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length === 0) continue;          // a keep-alive comment
      const text = data.join('\n');
      if (text === '[DONE]') return;
      onEvent(event, JSON.parse(text));
    }
  }
}

async function post(path, body, signal) {
  return fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal });
}

// ---- status ----

async function pollHealth() {
  const s = $('status');
  try {
    const r = await fetch('/health');
    if (r.ok) {
      const h = await r.json();
      s.textContent = `model ${h.model} · queue ${h.queue.running + h.queue.waiting}/${h.queue.capacity + 1}`;
      s.className = 'status ok';
      if (!state.model) await loadModel();
    } else {
      s.textContent = (await errorMessage(r)).replace(/^\d+: /, '');
      s.className = 'status bad';
    }
  } catch (_) {
    s.textContent = 'server unreachable';
    s.className = 'status bad';
  }
  setTimeout(pollHealth, state.model ? 10000 : 1000);
}

async function loadModel() {
  const r = await fetch('/v1/models');
  if (!r.ok) return;
  const m = (await r.json()).data[0];
  state.model = m;
  const select = $('ratio');
  select.replaceChildren(...m.aspect_ratios.map((a) => new Option(a, a, a === '1:1', a === '1:1')));
  $('count').max = m.limits.maxN;
}

// ---- generation ----

function params() {
  const seedRandom = $('seed-random').checked || $('seed').value === '';
  const p = {
    prompt: $('prompt').value,
    negative_prompt: $('negative').value,
    cfg_scale: Number($('cfg').value),
    top_k: Number($('topk').value),
    aspect_ratio: $('ratio').value || '1:1',
    n: Number($('count').value),
    response_format: 'b64_json',
    stream: true,
  };
  if (!seedRandom) p.seed = Number($('seed').value);
  return p;
}

function setRunning(running) {
  $('generate').disabled = running;
  $('cancel').disabled = !running;
}

async function generate(ev) {
  ev.preventDefault();
  showError('');
  const p = params();
  const abort = new AbortController();
  state.genAbort = abort;
  setRunning(true);
  const bar = $('progress'), text = $('progress-text'), canvas = $('preview');
  const ctx = canvas.getContext('2d');
  let cols = 1, rows = 1;
  bar.value = 0;
  text.textContent = 'queued…';
  try {
    const resp = await post('/v1/images/generations', p, abort.signal);
    if (!resp.ok) throw new Error(await errorMessage(resp));
    await readEvents(resp, (type, d) => {
      if (type === 'image_generation.started') {
        rows = d.rows; cols = d.cols;
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        text.textContent = `image ${d.image_index + 1}/${p.n} · seed ${d.seed}`;
      } else if (type === 'image_generation.progress') {
        bar.value = (d.image_index + d.rows_done / d.rows) / p.n;
        text.textContent = `image ${d.image_index + 1}/${p.n} · row ${d.rows_done}/${d.rows}`;
      } else if (type === 'image_generation.partial_image') {
        drawPartial(canvas, d, rows, cols);
      } else if (type === 'image_generation.completed') {
        const img = new Image();
        img.onload = () => {
          canvas.width = img.width; canvas.height = img.height;
          canvas.getContext('2d').drawImage(img, 0, 0);
        };
        img.src = 'data:image/png;base64,' + d.b64_json;
        addResult(d);
        state.lastSeed = d.seed;
        $('seed-reuse').disabled = false;
      } else if (type === 'error' || d.error) {
        throw new Error(d.error ? d.error.message : 'generation failed');
      }
    });
    bar.value = 1;
    text.textContent = 'done';
  } catch (e) {
    if (e.name === 'AbortError') {
      text.textContent = 'cancelled';
    } else {
      showError(e.message);
      text.textContent = 'failed';
    }
  } finally {
    state.genAbort = null;
    setRunning(false);
  }
}

function drawPartial(canvas, d, rows, cols) {
  const img = new Image();
  img.onload = () => {
    const w = img.width, h = Math.round(img.width * rows / cols);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w; canvas.height = h;
    }
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, w, h);
    ctx.drawImage(img, 0, 0);
    canvas.dataset.previews = String(Number(canvas.dataset.previews) + 1);
    canvas.dataset.rowsDone = String(d.rows_done);
    state.previewLog.push(d.rows_done);
  };
  img.src = 'data:image/png;base64,' + d.b64_json;
}

function addResult(d) {
  const fig = document.createElement('figure');
  fig.className = 'result';
  const img = document.createElement('img');
  img.src = 'data:image/png;base64,' + d.b64_json;
  img.alt = d.parameters.prompt;
  const dl = document.createElement('dl');
  for (const k of ['prompt', 'negative_prompt', 'seed', 'cfg_scale', 'top_k', 'ratio', 'size']) {
    const dt = document.createElement('dt'); dt.textContent = k;
    const dd = document.createElement('dd'); dd.textContent = d.parameters[k] ?? '';
    dl.append(dt, dd);
  }
  const actions = document.createElement('div');
  actions.className = 'actions';
  const a = document.createElement('a');
  a.href = img.src;                    // the server's PNG: its text chunks carry these parameters
  a.download = `emu4j-${d.seed}.png`;
  a.textContent = 'Download PNG';
  a.className = 'download';
  const use = document.createElement('button');
  use.type = 'button';
  use.textContent = 'Ask about it';
  use.onclick = () => { setImage(img.src); selectTab('ask'); };
  const reuse = document.createElement('button');
  reuse.type = 'button';
  reuse.textContent = 'Reuse settings';
  reuse.onclick = () => {
    $('prompt').value = d.parameters.prompt; $('negative').value = d.parameters.negative_prompt;
    $('cfg').value = d.parameters.cfg_scale; $('topk').value = d.parameters.top_k; $('ratio').value = d.parameters.ratio;
    $('seed').value = d.seed; $('seed-random').checked = false;
  };
  actions.append(a, use, reuse);
  fig.append(img, dl, actions);
  $('gallery').prepend(fig);
}

// ---- images in: upload, drag-and-drop, paste ----

function setImage(dataUrl) {
  state.image = dataUrl;
  for (const id of ['upload-preview', 'tok-original']) {
    $(id).src = dataUrl;
    $(id).hidden = false;
  }
  $('tokenize').disabled = false;
}

function readFile(file) {
  if (!file || !file.type.startsWith('image/')) {
    showError('not an image file');
    return;
  }
  const r = new FileReader();
  r.onload = () => setImage(r.result);
  r.readAsDataURL(file);
}

function wireDrop(zone, input) {
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    readFile(e.dataTransfer.files[0]);
  });
  input.addEventListener('change', () => readFile(input.files[0]));
}

document.addEventListener('paste', (e) => {
  for (const item of e.clipboardData.items) {
    if (item.type.startsWith('image/')) {
      readFile(item.getAsFile());
      e.preventDefault();
      return;
    }
  }
});

async function ask(ev) {
  ev.preventDefault();
  showError('');
  if (!state.image) {
    showError('choose an image first (or ask without one by clearing it)');
    return;
  }
  const out = $('answer');
  out.textContent = '';
  out.dataset.done = 'false';
  const abort = new AbortController();
  state.askAbort = abort;
  $('ask').disabled = true;
  $('ask-cancel').disabled = false;
  try {
    const body = {
      stream: true,
      max_tokens: Number($('max-tokens').value),
      messages: [{ role: 'user', content: [{ type: 'text', text: $('question').value }, { type: 'image_url', image_url: { url: state.image } }] }],
    };
    const resp = await post('/v1/chat/completions', body, abort.signal);
    if (!resp.ok) throw new Error(await errorMessage(resp));
    await readEvents(resp, (_, d) => {
      if (d.error) throw new Error(d.error.message);
      const c = d.choices && d.choices[0];
      if (c && c.delta && c.delta.content) out.textContent += c.delta.content;
    });
    out.dataset.done = 'true';
  } catch (e) {
    if (e.name !== 'AbortError') showError(e.message);
  } finally {
    state.askAbort = null;
    $('ask').disabled = false;
    $('ask-cancel').disabled = true;
  }
}

// ---- tokenizer view ----

// Neighbouring codes get far-apart hues (golden-ratio steps), so equal codes stand out in the grid.
function hue(code) {
  return Math.round((code * 360 * 0.618034) % 360);
}

async function tokenize() {
  showError('');
  if (!state.image) return;
  const resp = await post('/v1/emu4j/tokenize', { image: state.image });
  if (!resp.ok) {
    showError(await errorMessage(resp));
    return;
  }
  const t = await resp.json();
  $('tok-recon').src = 'data:image/png;base64,' + t.reconstruction_b64;
  const grid = $('tok-grid');
  grid.width = t.cols; grid.height = t.rows;
  const ctx = grid.getContext('2d');
  const lines = [];
  for (let y = 0; y < t.rows; y++) {
    const row = [];
    for (let x = 0; x < t.cols; x++) {
      const code = t.codes[y * t.cols + x];
      ctx.fillStyle = `hsl(${hue(code)}, 70%, ${35 + (code % 3) * 15}%)`;
      ctx.fillRect(x, y, 1, 1);
      row.push(String(code).padStart(String(t.codebook_size - 1).length, ' '));
    }
    lines.push(row.join(' '));
  }
  $('tok-info').textContent = `token grid ${t.rows} × ${t.cols} of a ${t.codebook_size}-code book`;
  $('tok-codes').textContent = lines.join('\n');
}

async function tokenizeText() {
  const resp = await post('/v1/emu4j/tokenize', { text: $('tok-text').value });
  if (!resp.ok) {
    showError(await errorMessage(resp));
    return;
  }
  const t = await resp.json();
  $('tok-text-ids').textContent = `${t.text_tokens.length} tokens: ${t.text_tokens.join(' ')}`;
}

// ---- tabs and start-up ----

function selectTab(name) {
  for (const b of document.querySelectorAll('.tab')) b.classList.toggle('active', b.dataset.tab === name);
  for (const p of document.querySelectorAll('.panel')) p.hidden = p.id !== 'tab-' + name;
}

document.addEventListener('DOMContentLoaded', () => {
  $('negative').value = DEFAULT_NEGATIVE;
  for (const b of document.querySelectorAll('.tab')) b.addEventListener('click', () => selectTab(b.dataset.tab));
  $('gen-form').addEventListener('submit', generate);
  $('cancel').addEventListener('click', () => state.genAbort && state.genAbort.abort());
  $('seed-random').addEventListener('change', () => { if (!$('seed-random').checked && $('seed').value === '' && state.lastSeed !== null) $('seed').value = state.lastSeed; });
  $('seed').addEventListener('input', () => { $('seed-random').checked = $('seed').value === ''; });
  $('seed-reuse').addEventListener('click', () => { $('seed').value = state.lastSeed; $('seed-random').checked = false; });
  $('ask-form').addEventListener('submit', ask);
  $('ask-cancel').addEventListener('click', () => state.askAbort && state.askAbort.abort());
  wireDrop($('drop'), $('file'));
  wireDrop($('tok-drop'), $('tok-file'));
  $('tokenize').addEventListener('click', tokenize);
  $('tokenize-text').addEventListener('click', tokenizeText);
  pollHealth();
});
