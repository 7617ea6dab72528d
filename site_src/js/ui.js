// The page: the only module that touches the classifier's DOM.

const DISPLAY_PERCENT = new Intl.NumberFormat(undefined, {style: 'percent', maximumFractionDigits: 1});

export class ClassifierView {
  constructor(root) {
    this.root = root;
    this.status = root.querySelector('#digit-status');
    this.timing = root.querySelector('#digit-timing');
    this.input = root.querySelector('#digit-input');
    this.barsList = root.querySelector('#digit-bars');
    this.bars = [];
  }

  get canvas() {
    return this.root.querySelector('#digit-canvas');
  }

  get whyMapRoot() {
    return this.root.querySelector('#why-map');
  }

  // A link to something inside the network (#why-map, say) opens "Look inside the network".
  openInsideFor(hash) {
    const inside = this.root.querySelector('#digit-inside');
    if (hash.length > 1 && inside.querySelector(hash)) inside.open = true;
  }

  get modelUrl() {
    return new URL(this.root.dataset.model, document.baseURI).href;
  }

  // The brush's width as a share of the pad's height, stated by the page (data-brush-width).
  get brushWidth() {
    const width = Number(this.root.dataset.brushWidth);
    if (!(width > 0 && width < 1)) {
      throw new Error(`The page gives no usable brush width ("${this.root.dataset.brushWidth}"); ` +
                      'data-brush-width on #digit-classifier must be a share of the pad\'s height, such as 0.08.');
    }
    return width;
  }

  // The pad's wide mode, for a number: the button says whether it is on.
  showNumberMode(on) {
    this.root.classList.toggle('dc-number', on);
    this.root.querySelector('#digit-number').setAttribute('aria-pressed', String(on));
  }

  // Each digit of a number read: its input, what it was read as and how sure, and its ten
  // probabilities; `selected` is the one the bars and the network's insides show. Nothing for a
  // single digit.
  showReadings(readings, classNames, selected, onSelect) {
    const list = this.root.querySelector('#digit-readings');
    list.hidden = readings.length < 2;
    if (readings.length < 2) {
      list.replaceChildren();
      return;
    }
    // The same canvases from one reading to the next: a new canvas's first context costs more
    // than painting it.
    this.readingCanvases ??= [];
    list.replaceChildren(...readings.map((reading, index) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.setAttribute('aria-pressed', String(index === selected));
      const canvas = this.readingCanvases[index] ??= document.createElement('canvas');
      canvas.width = canvas.height = Math.sqrt(reading.input.length);
      canvas.setAttribute('aria-hidden', 'true');
      paint(canvas, reading.input);
      const text = document.createElement('span');
      const top = reading.probabilities.indexOf(Math.max(...reading.probabilities));
      text.textContent = `Digit ${index + 1}: ${classNames[top]}, ${DISPLAY_PERCENT.format(reading.probabilities[top])}`;
      button.append(canvas, text);
      button.addEventListener('click', () => onSelect(index));
      const odds = document.createElement('small');
      odds.textContent = reading.probabilities.map((share, digit) => `${classNames[digit]}: ${DISPLAY_PERCENT.format(share)}`)
        .join(', ');
      item.append(button, odds);
      return item;
    }));
  }

  on(id, event, handler) {
    const target = this.root.id === id ? this.root : this.root.querySelector(`#${id}`);
    target.addEventListener(event, handler);
  }

  // Lets the tests check that no tensor outlives a prediction.
  exposeTensorCount(count) {
    this.root.tensorCount = count;
  }

  setState(state) {
    this.root.dataset.state = state;
    this.root.setAttribute('aria-busy', String(state === 'loading' || state === 'busy'));
  }

  showClasses(classNames) {
    this.barsList.replaceChildren();
    this.bars = classNames.map((name) => {
      const item = document.createElement('li');
      item.innerHTML = '<span class="dc-bar-label"></span><span class="dc-bar"><span></span></span>' +
                       '<span class="dc-bar-value"></span>';
      item.querySelector('.dc-bar-label').textContent = name;
      this.barsList.append(item);
      return item;
    });
  }

  showPrediction({claim, confidence, probabilities, milliseconds, backend, message}) {
    this.root.dataset.prediction = claim ?? '';
    this.root.dataset.confidence = confidence === null ? '' : confidence.toFixed(4);
    this.showProbabilities(probabilities, claim !== null);
    this.status.textContent = message;
    this.timing.textContent = milliseconds === null ? '' :
      `Prediction in ${milliseconds.toFixed(1)} ms on the TensorFlow.js ${backend} backend.`;
  }

  // The bars: one digit's ten probabilities (none: empty), its top one marked when claimed.
  showProbabilities(probabilities, claimed) {
    const top = probabilities ? probabilities.indexOf(Math.max(...probabilities)) : -1;
    this.bars.forEach((item, index) => {
      const share = probabilities ? probabilities[index] : 0;
      item.querySelector('.dc-bar > span').style.width = `${(share * 100).toFixed(1)}%`;
      item.querySelector('.dc-bar-value').textContent = probabilities ? DISPLAY_PERCENT.format(share) : '';
      item.classList.toggle('dc-top', claimed && index === top);
    });
  }

  get numberMode() {
    return this.root.classList.contains('dc-number');
  }

  // The convolutions: for each, a canvas per feature map and per learned filter.
  showConvolutions(convolutions) {
    const holder = this.root.querySelector('#digit-layers');
    holder.replaceChildren();
    this.mapCanvases = convolutions.map(({name, outputShape: [height, width, channels], kernelShape: [size, , inputs]}) => {
      const section = document.createElement('section');
      section.className = 'dc-layer';
      const heading = document.createElement('h3');
      heading.textContent = `${name}: ${channels} feature maps of ${height}×${width}`;
      const maps = grid(channels, width, height, `Feature maps of ${name} for the current input`);
      const note = document.createElement('p');
      note.textContent = `Its ${channels} learned ${size}×${size} filters` +
        (inputs > 1 ? `, each averaged over its ${inputs} input channels` : '') +
        ' (grey is zero, light positive, dark negative):';
      const filters = grid(channels, size, size, `Learned filters of ${name}`);
      section.append(heading, maps, note, filters);
      holder.append(section);
      return {canvases: maps.children, filterCanvases: filters.children};
    });
    convolutions.forEach(({kernel, kernelShape}, index) => {
      const [size, , inputs, outputs] = kernelShape;
      [...this.mapCanvases[index].filterCanvases].forEach((canvas, out) => {
        const values = new Float64Array(size * size);
        for (let p = 0; p < size * size; p++) {
          for (let i = 0; i < inputs; i++) values[p] += kernel[(p * inputs + i) * outputs + out] / inputs;
        }
        const extent = Math.max(...values.map(Math.abs)) || 1;
        paint(canvas, values.map((v) => 0.5 + 0.5 * v / extent));
      });
    });
  }

  // Feature maps for the current input. Painting 120 small canvases costs more than the
  // prediction itself, so it waits until the visitor opens "Look inside the network".
  // mapsOf(): the maps to paint (null: none), asked for only when the panel is open.
  showMaps(mapsOf, convolutions) {
    const inside = this.root.querySelector('#digit-inside');
    this.pendingMaps = {mapsOf, convolutions};
    if (!this.watchingInside) {
      this.watchingInside = true;
      inside.addEventListener('toggle', () => inside.open && this.paintPendingMaps());
    }
    if (inside.open) this.paintPendingMaps();
  }

  paintPendingMaps() {
    if (!this.pendingMaps) return;
    const {mapsOf, convolutions} = this.pendingMaps;
    this.pendingMaps = null;
    const maps = mapsOf() ?? convolutions.map(() => null);
    maps.forEach((values, index) => {
      const [height, width, channels] = convolutions[index].outputShape;
      [...this.mapCanvases[index].canvases].forEach((canvas, channel) => {
        const map = new Float64Array(height * width);
        for (let p = 0; p < map.length; p++) map[p] = values ? values[p * channels + channel] : 0;
        const peak = Math.max(...map) || 1;
        paint(canvas, map.map((v) => Math.max(v, 0) / peak));
      });
    });
  }

  showInput(digit, size) {
    paint(this.input, digit || new Float64Array(size * size));
  }

  showError(message) {
    this.setState('error');
    this.root.dataset.prediction = '';
    this.root.dataset.confidence = '';
    this.status.textContent = message;
  }
}

function grid(count, width, height, label) {
  const holder = document.createElement('div');
  holder.className = 'dc-grid';
  holder.setAttribute('role', 'img');
  holder.setAttribute('aria-label', label);
  for (let i = 0; i < count; i++) {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    holder.append(canvas);
  }
  return holder;
}

// Grey levels in [0, 1], row by row, onto a canvas of the same size.
function paint(canvas, levels) {
  const context = canvas.getContext('2d');
  const pixels = context.createImageData(canvas.width, canvas.height);
  const {data} = pixels;
  for (let i = 0; i < levels.length; i++) {
    const value = Math.round(levels[i] * 255);
    data[4 * i] = data[4 * i + 1] = data[4 * i + 2] = value;
    data[4 * i + 3] = 255;
  }
  context.putImageData(pixels, 0, 0);
}
