// Drawing: strokes on the canvas from a mouse, a finger or a pen, kept so that they can be undone.

const LEVELS = Float64Array.from({length: 256}, (_, value) => value / 255);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export class Sketch {
  // brushFraction: the brush's width as a share of the canvas's height.
  constructor(canvas, {brushFraction, onStrokeEnd}) {
    this.canvas = canvas;
    this.context = canvas.getContext('2d', {willReadFrequently: true});
    this.brush = brushFraction * canvas.height;
    this.onStrokeEnd = onStrokeEnd;
    this.strokes = [];
    this.current = null;
    canvas.addEventListener('pointerdown', (event) => this.start(event));
    canvas.addEventListener('pointermove', (event) => this.extend(event));
    canvas.addEventListener('pointerup', (event) => this.finish(event));
    canvas.addEventListener('pointercancel', (event) => this.finish(event));
    this.render();
  }

  point(event) {
    const box = this.canvas.getBoundingClientRect();
    return [(event.clientX - box.left) * (this.canvas.width / box.width),
            (event.clientY - box.top) * (this.canvas.height / box.height)];
  }

  start(event) {
    if (event.button !== 0 || this.current) return;
    event.preventDefault();
    this.canvas.setPointerCapture(event.pointerId);
    this.current = {id: event.pointerId, points: [this.point(event)]};
    this.strokes.push(this.current.points);
    this.render();
  }

  extend(event) {
    if (!this.current || event.pointerId !== this.current.id) return;
    const {points} = this.current;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    const from = points.length - 1;
    for (const each of events.length ? events : [event]) points.push(this.point(each));
    // Only the new segments while the pen moves; the whole drawing again when the stroke ends.
    this.trace(points.slice(from));
  }

  finish(event) {
    if (!this.current || event.pointerId !== this.current.id) return;
    this.current = null;
    this.render();
    this.onStrokeEnd();
  }

  undo() {
    this.strokes.pop();
    this.render();
  }

  clear() {
    this.strokes = [];
    this.render();
  }

  // A wider pad for a number, or the square one back; what was drawn goes.
  setWidth(width) {
    this.canvas.width = width;
    this.context = this.canvas.getContext('2d', {willReadFrequently: true});
    this.clear();
  }

  // An uploaded picture, fitted into the pad for display; the next stroke starts a new drawing.
  showPicture(bitmap) {
    this.strokes = [];
    const {context, canvas} = this;
    const scale = Math.min(canvas.width / bitmap.width, canvas.height / bitmap.height);
    const width = bitmap.width * scale, height = bitmap.height * scale;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(bitmap, (canvas.width - width) / 2, (canvas.height - height) / 2, width, height);
  }


  render() {
    const {context, canvas} = this;
    context.fillStyle = '#000';
    context.fillRect(0, 0, canvas.width, canvas.height);
    for (const points of this.strokes) this.trace(points);
  }

  trace(points) {
    const {context: ink} = this;
    ink.strokeStyle = '#fff';
    ink.lineWidth = this.brush;
    ink.lineCap = ink.lineJoin = 'round';
    ink.beginPath();
    ink.moveTo(...points[0]);
    // A single tap leaves a dot: a zero-length segment with round caps.
    for (const point of points.length > 1 ? points.slice(1) : points) ink.lineTo(...point);
    ink.stroke();
  }

  // Grey levels of the drawing, light ink on dark, row by row in [0, 1].
  greyLevels() {
    const {width, height} = this.canvas;
    const rgba = this.context.getImageData(0, 0, width, height).data;
    const grey = new Float64Array(width * height);
    // A pixel's red byte through a 32-bit view and a table: a wide pad has 300,000 of them.
    if (LITTLE_ENDIAN) {
      const pixels = new Uint32Array(rgba.buffer, rgba.byteOffset, grey.length);
      for (let i = 0; i < grey.length; i++) grey[i] = LEVELS[pixels[i] & 255];
    } else {
      for (let i = 0; i < grey.length; i++) grey[i] = LEVELS[rgba[4 * i]];
    }
    return {grey, width, height};
  }
}
