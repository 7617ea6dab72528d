// Every page loads this small entry; the classifier and TensorFlow.js load only on the pages that
// have the classifier or an explorer, KaTeX only on pages with math. Material's instant navigation swaps pages
// without re-running scripts, so pages are watched through its document$ observable.

import {ClassifierView} from './ui.js';

function mountClassifier() {
  const root = document.getElementById('digit-classifier');
  if (!root || root.dataset.mounted) return;
  root.dataset.mounted = 'true';
  const view = new ClassifierView(root);
  import('./demo.js')
    .then(({mount}) => mount(view))
    .catch((error) => view.showError(`The classifier's code could not be loaded (${error.message}). Reload the page.`));
}

// Each explorer's view, loaded only on the page that has it.
const EXPLORERS = {
  'conv-explorer': () => import('./explorers/convolution_view.js'),
  'pool-explorer': () => import('./explorers/pooling_view.js'),
  'softmax-explorer': () => import('./explorers/softmax_view.js'),
  'shift-explorer': () => import('./explorers/shift_view.js'),
};

function mountExplorers() {
  for (const [id, load] of Object.entries(EXPLORERS)) {
    const root = document.getElementById(id);
    if (!root || root.dataset.mounted) continue;
    root.dataset.mounted = 'true';
    load().then(({mount}) => mount(root)).catch((error) => {
      root.dataset.state = 'error';
      root.setAttribute('aria-busy', 'false');
      root.textContent = `The explorer could not start (${error.message}). Reload the page.`;
    });
  }
}

// The teaching page: its code, with the training kernels, loads only there.
function mountTeaching() {
  const root = document.getElementById('teach');
  if (!root || root.dataset.mounted) return;
  root.dataset.mounted = 'true';
  import('./teach.js').then(({mount}) => mount(root)).catch((error) => {
    root.dataset.state = 'error';
    root.setAttribute('aria-busy', 'false');
    root.querySelector('#teach-status').textContent = `The teaching code could not be loaded (${error.message}). ` +
      'Reload the page.';
  });
}

function typesetMath() {
  if (!document.querySelector('.arithmatex')) return;
  import('./math.js')
    .then(({renderMath}) => renderMath(document))
    .catch((error) => console.warn(`The math could not be typeset (${error.message}); it shows as TeX.`));
}

// A table wider than the page scrolls inside Material's wrapper; keyboard users need to reach it.
function focusableScrollingTables() {
  for (const wrapper of document.querySelectorAll('.md-typeset__scrollwrap')) {
    if (wrapper.scrollWidth > wrapper.clientWidth && !wrapper.hasAttribute('tabindex')) {
      wrapper.tabIndex = 0;
      wrapper.setAttribute('role', 'region');
      wrapper.setAttribute('aria-label', 'Table, scrolls sideways');
    }
  }
}

function onPage() {
  mountClassifier();
  mountExplorers();
  mountTeaching();
  typesetMath();
  focusableScrollingTables();
}

if (window.document$) window.document$.subscribe(onPage);
else onPage();
