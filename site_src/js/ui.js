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

  get modelUrl() {
    return new URL(this.root.dataset.model, document.baseURI).href;
  }

  on(id, event, handler) {
    const target = this.root.id === id ? this.root : this.root.querySelector(`#${id}`);
    target.addEventListener(event, handler);
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

  showPrediction({claim, confidence, probabilities, classNames, milliseconds, backend, message}) {
    this.root.dataset.prediction = claim ?? '';
    this.root.dataset.confidence = confidence === null ? '' : confidence.toFixed(4);
    this.bars.forEach((item, index) => {
      const share = probabilities ? probabilities[index] : 0;
      item.querySelector('.dc-bar > span').style.width = `${(share * 100).toFixed(1)}%`;
      item.querySelector('.dc-bar-value').textContent = probabilities ? DISPLAY_PERCENT.format(share) : '';
      item.classList.toggle('dc-top', claim !== null && classNames[index] === claim);
    });
    this.status.textContent = message;
    this.timing.textContent = milliseconds === null ? '' :
      `Prediction in ${milliseconds.toFixed(1)} ms on the TensorFlow.js ${backend} backend.`;
  }

  showInput(digit, size) {
    const context = this.input.getContext('2d');
    const pixels = context.createImageData(size, size);
    for (let i = 0; i < size * size; i++) {
      const level = digit ? Math.round(digit[i] * 255) : 0;
      pixels.data.set([level, level, level, 255], 4 * i);
    }
    context.putImageData(pixels, 0, 0);
  }

  showError(message) {
    this.setState('error');
    this.root.dataset.prediction = '';
    this.root.dataset.confidence = '';
    this.status.textContent = message;
  }
}
