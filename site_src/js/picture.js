// Pictures: an uploaded, dropped or pasted image file to grey levels, decoded at a bounded size.

// Enough for one digit; a 12,000-pixel photo at full size would take gigabytes.
const MAX_SIDE = 560;
const MAX_PIXELS = 300e6;

function loadImage(url) {
  const image = new Image();
  image.src = url;  // loading reads the header; the pixels are decoded only when drawn
  return new Promise((resolve, reject) => {
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('the browser cannot decode it as an image'));
  });
}

// Returns {grey, width, height, bitmap}: grey levels in [0, 1] with transparency as white paper.
export async function pictureGreyLevels(file) {
  const name = file.name ? `"${file.name}"` : 'The pasted file';
  if (!file.type.startsWith('image/')) {
    throw new Error(`${name} is not an image (${file.type || 'unknown type'}). ` +
                    'Choose a photo or scan of one digit: PNG, JPEG, GIF or WebP.');
  }
  // A drawing in code, which may carry scripts and has no pixels of its own: not read at all.
  if (file.type === 'image/svg+xml') {
    throw new Error(`${name} is an SVG drawing, which this page does not open. ` +
                    'Save it as a PNG or JPEG picture, or take a photo of it.');
  }
  if (!file.size) throw new Error(`${name} is empty (0 bytes). Choose another file.`);
  const url = URL.createObjectURL(file);
  try {
    let image;
    try {
      image = await loadImage(url);
    } catch (error) {
      throw new Error(`${name} could not be read: ${error.message}. Try another file.`);
    }
    const {naturalWidth: fullWidth, naturalHeight: fullHeight} = image;
    if (!fullWidth || fullWidth * fullHeight > MAX_PIXELS) {
      throw new Error(`${name} is ${fullWidth}×${fullHeight} pixels, too large to open safely. ` +
                      'Crop or shrink it first.');
    }
    const scale = Math.min(1, MAX_SIDE / Math.max(fullWidth, fullHeight));
    const width = Math.max(1, Math.round(fullWidth * scale));
    const height = Math.max(1, Math.round(fullHeight * scale));
    let bitmap;
    try {
      bitmap = await createImageBitmap(image, {resizeWidth: width, resizeHeight: height, resizeQuality: 'high'});
    } catch {
      // The header was read, the pixels were not: a file cut off or damaged part-way.
      throw new Error(`${name} could not be read: it seems cut off or damaged. Try another file.`);
    }
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', {willReadFrequently: true});
    context.fillStyle = '#fff';
    context.fillRect(0, 0, width, height);
    context.drawImage(bitmap, 0, 0);
    const rgba = context.getImageData(0, 0, width, height).data;
    const grey = new Float64Array(width * height);
    for (let i = 0; i < grey.length; i++) {
      grey[i] = (0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]) / 255;
    }
    return {grey, width, height, bitmap};
  } finally {
    URL.revokeObjectURL(url);
  }
}
