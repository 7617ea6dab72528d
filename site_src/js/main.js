// Every page loads this small entry; the classifier and TensorFlow.js load only on the page that
// has the classifier. Material's instant navigation swaps pages without re-running scripts, so
// pages are watched through its document$ observable.

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

if (window.document$) window.document$.subscribe(mountClassifier);
else mountClassifier();
