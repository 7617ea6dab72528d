// Math: the formulas pymdownx.arithmatex leaves in the page as TeX, typeset with KaTeX.

import katex from 'katex';

// Inline math comes as \( ... \) in a span, display math as \[ ... \] in a div.
export function renderMath(root) {
  for (const element of root.querySelectorAll('.arithmatex')) {
    const display = element.tagName === 'DIV';
    const tex = element.textContent.trim().slice(2, -2);
    katex.render(tex, element, {displayMode: display, throwOnError: false});
  }
}
