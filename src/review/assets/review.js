// The reviewer pages' only script: zoom and rotate of the original, evidence-box highlighting and
// keyboard shortcuts. Served from the app (script-src 'self'); it never inserts HTML.
(() => {
  const viewer = document.getElementById('viewer');
  let zoom = 1;
  let rotation = 0;
  const apply = () => {
    if (viewer) viewer.style.transform = `rotate(${rotation}deg) scale(${zoom})`;
  };
  const actions = {
    'zoom-in': () => {
      zoom = Math.min(5, zoom * 1.25);
      apply();
    },
    'zoom-out': () => {
      zoom = Math.max(0.2, zoom / 1.25);
      apply();
    },
    rotate: () => {
      rotation = (rotation + 90) % 360;
      apply();
    },
    'toggle-boxes': () => viewer?.classList.toggle('hide-boxes'),
    reset: () => {
      zoom = 1;
      rotation = 0;
      apply();
    },
  };
  for (const button of document.querySelectorAll('[data-action]')) {
    button.addEventListener('click', () => actions[button.getAttribute('data-action')]?.());
  }

  // Focusing a field's input highlights its evidence box on the image.
  for (const row of document.querySelectorAll('table.fields tr[data-field]')) {
    const field = row.getAttribute('data-field');
    const input = row.querySelector('input');
    const box = Array.from(document.querySelectorAll('svg.boxes g[data-field]')).find(
      (g) => g.getAttribute('data-field') === field,
    );
    if (!input || !box) continue;
    input.addEventListener('focus', () => box.classList.add('active'));
    input.addEventListener('blur', () => box.classList.remove('active'));
  }

  const form = document.getElementById('review-form');
  const submitWith = (id) => {
    const button = document.getElementById(id);
    if (form && button) form.requestSubmit(button);
  };
  const typing = (el) =>
    el instanceof HTMLElement &&
    (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) {
      if (event.key === 'Escape') event.target.blur();
      return;
    }
    switch (event.key) {
      case 'a':
        submitWith('approve');
        break;
      case 'r':
        submitWith('reject');
        break;
      case 'n': {
        const next = document.getElementById('next-case');
        if (next) window.location.assign(next.getAttribute('href'));
        break;
      }
      case '/': {
        const first = document.querySelector('.field-input');
        if (first) {
          event.preventDefault();
          first.focus();
        }
        break;
      }
      case '+':
      case '=':
        actions['zoom-in']();
        break;
      case '-':
        actions['zoom-out']();
        break;
      case 'o':
        actions.rotate();
        break;
      case 'b':
        actions['toggle-boxes']();
        break;
      default:
        return;
    }
  });
})();
