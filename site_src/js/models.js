// The models the pages run, loaded once per address and kept while the visitor moves from page
// to page: the demo and the explorers share them.

import {loadClassifier} from './classifier.js';

const classifiers = new Map();  // model URL -> promise of its classifier

export function classifierFor(url) {
  if (!classifiers.has(url)) {
    const loading = loadClassifier(url);
    loading.catch(() => classifiers.delete(url));  // a later visit tries again
    classifiers.set(url, loading);
  }
  return classifiers.get(url);
}
